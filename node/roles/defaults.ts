/**
 * The default role definitions, merged from the predecessor's two plans:
 * - seed 000 `_init_default_roles`: description, service type, services, health checks, install
 *   playbook, required tags (frontend, redis, npu-worker, ai-stack, browser);
 * - seed 001 "Role Registry" and "Default Roles": source paths, target paths and auto-restart
 *   (backend, frontend, slm-agent, npu-worker, browser-svc, code-source).
 * Target paths are relative (`roles/<name>`) so they resolve under the node's state dir and
 * several daemons can share a host; the seeds' absolute paths (/home/autobot/...) were per-host.
 */
import type { RoleDefinition, UpdateStrategy } from '../../protocol/types.js'

// First entry is the default strategy. Stateful roles prefer a maintenance window because a
// restart loses in-flight state (seed 000 gives redis/ai-stack `maintenance_window`).
const STATELESS: UpdateStrategy[] = ['rolling', 'all-at-once', 'maintenance-window']
const STATEFUL: UpdateStrategy[] = ['maintenance-window', 'rolling']

const stop = (...units: string[]): string => `systemctl disable --now ${units.join(' ')}`
const play = (playbook: string): string => `ansible-playbook ${playbook}`

const ROLES: RoleDefinition[] = [
  {
    name: 'frontend',
    displayName: 'Frontend',
    description: 'Vue.js frontend server',
    serviceType: 'stateless',
    systemdServices: ['nginx', 'autobot-frontend'],
    requiredTags: [],
    dependencies: ['backend'],
    healthChecks: [{ kind: 'tcp', port: 5173 }],
    installCommand: play('ansible/playbooks/deploy_frontend.yml'),
    purgeCommand: stop('autobot-frontend'),
    ansiblePlaybook: 'ansible/playbooks/deploy_frontend.yml',
    updateStrategies: STATELESS,
    sourcePaths: ['autobot-vue/'],
    targetPath: 'roles/frontend',
    autoRestart: true, // seed 001: stateless
    preSyncCommand: 'true',
    postSyncCommand: 'npm install && npm run build',
    ports: [5173],
    detectPath: 'roles/frontend/current'
  },
  {
    name: 'redis',
    displayName: 'Redis',
    description: 'Redis Stack data layer',
    serviceType: 'stateful',
    systemdServices: ['redis-stack-server'],
    requiredTags: ['has_ssd'],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 6379 }],
    installCommand: play('ansible/playbooks/deploy_redis.yml'),
    purgeCommand: stop('redis-stack-server'),
    ansiblePlaybook: 'ansible/playbooks/deploy_redis.yml',
    updateStrategies: STATEFUL,
    sourcePaths: [], // a packaged service: nothing of the repo is synced to it
    targetPath: 'roles/redis',
    autoRestart: false, // stateful: restarting drops connections and unsaved data
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [6379],
    detectPath: 'roles/redis/current'
  },
  {
    name: 'npu-worker',
    displayName: 'NPU worker',
    description: 'NPU hardware acceleration worker',
    serviceType: 'stateless',
    systemdServices: ['autobot-npu-worker'],
    requiredTags: ['has_npu'],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 8081 }],
    installCommand: play('ansible/playbooks/deploy_npu.yml'),
    purgeCommand: stop('autobot-npu-worker'),
    ansiblePlaybook: 'ansible/playbooks/deploy_npu.yml',
    updateStrategies: STATELESS,
    sourcePaths: ['resources/windows-npu-worker/'],
    targetPath: 'roles/npu-worker',
    autoRestart: false, // seed 001: GPU/NPU tasks in flight
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [8081],
    detectPath: 'roles/npu-worker/current'
  },
  {
    name: 'ai-stack',
    displayName: 'AI stack',
    description: 'AI processing stack with Ollama',
    serviceType: 'stateful',
    systemdServices: ['ollama', 'autobot-ai-stack'],
    requiredTags: ['has_gpu'],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 8080 }],
    installCommand: play('ansible/playbooks/deploy_ai_stack.yml'),
    purgeCommand: stop('autobot-ai-stack', 'ollama'),
    ansiblePlaybook: 'ansible/playbooks/deploy_ai_stack.yml',
    updateStrategies: STATEFUL,
    sourcePaths: [],
    targetPath: 'roles/ai-stack',
    autoRestart: false, // stateful: loaded models are expensive to reload
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [8080],
    detectPath: 'roles/ai-stack/current'
  },
  {
    name: 'browser',
    displayName: 'Browser automation',
    description: 'Playwright browser automation',
    serviceType: 'stateless',
    systemdServices: ['autobot-browser'],
    requiredTags: [],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 3000 }],
    installCommand: play('ansible/playbooks/deploy_browser.yml'),
    purgeCommand: stop('autobot-browser'),
    ansiblePlaybook: 'ansible/playbooks/deploy_browser.yml',
    updateStrategies: STATELESS,
    sourcePaths: [],
    targetPath: 'roles/browser',
    autoRestart: true,
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [3000],
    detectPath: 'roles/browser/current'
  },
  {
    name: 'backend',
    displayName: 'Backend',
    description: 'AutoBot backend API',
    serviceType: 'stateless',
    systemdServices: ['autobot-backend'],
    requiredTags: [],
    dependencies: ['redis'],
    // AutoBot's backend listens on 8001 and serves /api/health.
    healthChecks: [{ kind: 'http', port: 8001, path: '/api/health', expectStatus: 200 }],
    installCommand: play('ansible/playbooks/deploy_backend.yml'),
    purgeCommand: stop('autobot-backend'),
    ansiblePlaybook: 'ansible/playbooks/deploy_backend.yml',
    updateStrategies: STATELESS,
    sourcePaths: ['backend/', 'src/'],
    targetPath: 'roles/backend',
    autoRestart: false, // seed 001: active requests; restart only by schedule or explicit sync
    preSyncCommand: 'true',
    postSyncCommand: 'pip install -r requirements.txt', // PREDECESSOR.md 1.4
    ports: [8001],
    detectPath: 'roles/backend/current'
  },
  {
    name: 'slm-agent',
    displayName: 'SLM agent',
    description: 'The predecessor\'s per-host agent, kept as a syncable role',
    serviceType: 'stateless',
    systemdServices: ['slm-agent'],
    requiredTags: [],
    dependencies: [],
    healthChecks: [{ kind: 'command', command: 'systemctl is-active --quiet slm-agent' }],
    installCommand: play('ansible/playbooks/deploy_slm_agent.yml'),
    purgeCommand: stop('slm-agent'),
    ansiblePlaybook: 'ansible/playbooks/deploy_slm_agent.yml',
    updateStrategies: STATELESS,
    sourcePaths: ['src/slm/agent/'],
    targetPath: 'roles/slm-agent',
    autoRestart: true, // seed 001: lightweight
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [],
    detectPath: 'roles/slm-agent/current'
  },
  {
    name: 'browser-svc',
    displayName: 'Browser service',
    description: 'Browser service component synced from browser-service/',
    serviceType: 'stateless',
    systemdServices: ['autobot-browser-service'],
    requiredTags: [],
    dependencies: [],
    healthChecks: [{ kind: 'tcp', port: 3000 }],
    installCommand: play('ansible/playbooks/deploy_browser.yml'),
    purgeCommand: stop('autobot-browser-service'),
    ansiblePlaybook: 'ansible/playbooks/deploy_browser.yml',
    updateStrategies: STATELESS,
    sourcePaths: ['browser-service/'],
    targetPath: 'roles/browser-svc',
    autoRestart: true, // seed 001: stateless
    preSyncCommand: 'true',
    postSyncCommand: 'npm install',
    ports: [3000],
    detectPath: 'roles/browser-svc/current'
  },
  {
    name: 'code-source',
    displayName: 'Code source',
    description: 'Holds the git repo and announces commits; elected, or pinned by an operator',
    serviceType: 'stateful',
    systemdServices: [], // the slm daemon itself holds this role; nothing else to restart
    requiredTags: [],
    dependencies: [],
    healthChecks: [{ kind: 'command', command: 'git --version' }],
    installCommand: 'true',
    purgeCommand: 'true',
    ansiblePlaybook: 'ansible/playbooks/slm_code_source.yml',
    updateStrategies: ['all-at-once'],
    sourcePaths: [], // it is the origin (seed 001: "(git origin)")
    targetPath: 'roles/code-source',
    autoRestart: false,
    preSyncCommand: 'true',
    postSyncCommand: 'true',
    ports: [],
    detectPath: 'roles/code-source'
  }
]

export const DEFAULT_ROLES: readonly RoleDefinition[] = Object.freeze(ROLES.map((r) => Object.freeze(r)))

export const DEFAULT_ROLE_NAMES: readonly string[] = DEFAULT_ROLES.map((r) => r.name)

/** A fresh, mutable copy of the defaults (callers may store or edit them). */
export function defaultRoles (): RoleDefinition[] {
  return structuredClone(DEFAULT_ROLES) as RoleDefinition[]
}
