# Source this: puts a Node.js >= 22 first on PATH. libp2p 3 needs Node 22+; when the system's Node
# is older (Debian ships 20 here), Node 24 is installed from the npm registry into .tools/ once.
_slm_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
_slm_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$_slm_major" -lt 22 ]; then
  if [ ! -x "$_slm_root/.tools/node_modules/.bin/node" ]; then
    mkdir -p "$_slm_root/.tools"
    [ -f "$_slm_root/.tools/package.json" ] || echo '{"name":"slm-tools","private":true}' > "$_slm_root/.tools/package.json"
    echo "slm: system Node is $(node --version 2>/dev/null || echo missing); installing Node 24 into .tools/ ..." >&2
    (cd "$_slm_root/.tools" && npm install --no-audit --no-fund --loglevel=error node@24 >/dev/null)
  fi
  export PATH="$_slm_root/.tools/node_modules/.bin:$PATH"
fi
unset _slm_root _slm_major
