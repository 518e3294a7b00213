import { sign as edSign } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateKeyPair } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { SignatureError, ValidationError } from '../../protocol/errors.js'
import {
  commandSigningBytes, eventSigningBytes, generateOperatorKey, nodePublicKeyFromId,
  operatorPublicKeyFromPem, parseOperatorPublicKey, signCommand, signEvent, signEventAsync,
  verifyCommand, verifyEvent
} from '../../protocol/sign.js'
import { canonicalJson } from '../../protocol/canonical.js'
import { decodeCommand, decodeGossip, encodeCommand, encodeGossip } from '../../protocol/codec.js'
import type { CommandEnvelope, NodeEvent } from '../../protocol/types.js'
import { expectCode } from './helpers.js'
import {
  NODE_A, NODE_B, OPERATOR, OTHER_OPERATOR, T0, sampleCommand, sampleCommands, sampleEvent, sampleGossipMessages, sampleUnsignedCommand,
  sampleUnsignedEvent
} from './samples.js'

/** Flip the first character of a base64url string to a different one, keeping its length. */
function flipChar (s: string, at = 0): string {
  return s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1)
}

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** The last of 86 chars holds 2 signature bits and 4 spare ones; flip a spare one. */
function flipSpareBit (c: string): string {
  return B64URL[B64URL.indexOf(c) ^ 1]
}

describe('operator keys', () => {
  it('are ed25519:<base64url of 32 bytes> and derivable from the PEM', () => {
    const k = generateOperatorKey()
    expect(k.publicKey).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/)
    expect(k.privateKeyPem).toContain('BEGIN PRIVATE KEY')
    expect(operatorPublicKeyFromPem(k.privateKeyPem)).toBe(k.publicKey)
    expect(parseOperatorPublicKey(k.publicKey)).toHaveLength(32)
  })

  it.each([
    ['no prefix', 'A'.repeat(43)],
    ['ssh form', 'ssh-ed25519 AAAAC3Nza'],
    ['short', 'ed25519:' + 'A'.repeat(42)],
    ['padding', 'ed25519:' + 'A'.repeat(42) + '='],
    ['non-zero spare bits', 'ed25519:' + 'A'.repeat(42) + 'B'],
    ['not a string', 7]
  ])('reject a public key with %s as a ValidationError', (_label, key) => {
    expect(() => parseOperatorPublicKey(key)).toThrow(ValidationError)
  })

  it('reject a PEM that is not an Ed25519 private key', () => {
    expect(() => operatorPublicKeyFromPem('not a pem')).toThrow(ValidationError)
  })
})

describe('command signatures', () => {
  it('verify for a correctly signed command of every shape', () => {
    expect(() => verifyCommand(sampleCommand())).not.toThrow()
    expect(() => verifyCommand(sampleCommand({ action: 'role_define', target: { kind: 'all' } }))).not.toThrow()
  })

  it('sign the domain tag plus the canonical JSON of everything but sig', () => {
    const unsigned = sampleUnsignedCommand()
    expect(new TextDecoder().decode(commandSigningBytes(unsigned))).toBe('slm-command-v1\n' + canonicalJson(unsigned))
  })

  it('still verify after an encode/decode round trip', () => {
    for (const cmd of sampleCommands()) expect(() => verifyCommand(decodeCommand(encodeCommand(cmd)))).not.toThrow()
  })

  it('do not depend on key order', () => {
    const cmd = sampleCommand()
    const reordered = Object.fromEntries(Object.entries(cmd).reverse()) as CommandEnvelope
    expect(() => verifyCommand(reordered)).not.toThrow()
  })

  const forgeries: Array<[string, (c: CommandEnvelope) => CommandEnvelope, string]> = [
    ['tampered params', (c) => ({ ...c, params: { ...c.params, type: 'immediate' } }), 'ERR_BAD_SIGNATURE'],
    ['a changed comment', (c) => ({ ...c, comment: c.comment + '!' }), 'ERR_BAD_SIGNATURE'],
    ['a changed target', (c) => ({ ...c, target: { kind: 'all' } }), 'ERR_BAD_SIGNATURE'],
    ['a later expiry', (c) => ({ ...c, expiresAt: c.expiresAt + 1 }), 'ERR_BAD_SIGNATURE'],
    ['a flipped signature byte', (c) => ({ ...c, sig: flipChar(c.sig, 10) }), 'ERR_BAD_SIGNATURE'],
    ['a truncated signature', (c) => ({ ...c, sig: c.sig.slice(0, 60) }), 'ERR_SIGNATURE_FORMAT'],
    ['an empty signature', (c) => ({ ...c, sig: '' }), 'ERR_SIGNATURE_FORMAT'],
    ['a non-canonical signature spelling', (c) => ({ ...c, sig: c.sig.slice(0, 85) + flipSpareBit(c.sig[85]) }), 'ERR_SIGNATURE_FORMAT'],
    ['an issuer that is not a key', (c) => ({ ...c, issuer: 'root' }), 'ERR_BAD_KEY'],
    ['the issuer swapped to another trusted key', (c) => ({ ...c, issuer: OTHER_OPERATOR.publicKey }), 'ERR_BAD_SIGNATURE'],
    ['a signature by another key with the issuer kept', (c) => {
      const { sig: _sig, ...unsigned } = c
      const sig = edSign(null, commandSigningBytes(unsigned), OTHER_OPERATOR.privateKeyPem).toString('base64url')
      return { ...unsigned, sig }
    }, 'ERR_BAD_SIGNATURE'],
    ['a signature by another key under the wrong domain tag', (c) => {
      const { sig: _sig, ...unsigned } = c
      const bytes = new TextEncoder().encode('slm-event-v1\n' + canonicalJson(unsigned))
      return { ...unsigned, sig: edSign(null, bytes, OPERATOR.privateKeyPem).toString('base64url') }
    }, 'ERR_BAD_SIGNATURE']
  ]

  it.each(forgeries)('fail with %s', (_label, forge, code) => {
    const err = expectCode(() => verifyCommand(forge(sampleCommand())), SignatureError, code)
    expect(err.name).toBe('SignatureError')
  })

  it('re-signed by another key with the issuer swapped verify only as that other key', () => {
    // An attacker can sign anything as themselves; authority comes from the trust list, not here.
    const stolen = sampleCommand()
    const resigned = signCommand({ ...stolen, issuer: OTHER_OPERATOR.publicKey }, OTHER_OPERATOR.privateKeyPem)
    expect(() => verifyCommand(resigned)).not.toThrow()
    expect(resigned.issuer).toBe(OTHER_OPERATOR.publicKey)
    expectCode(() => verifyCommand({ ...resigned, issuer: OPERATOR.publicKey }), SignatureError, 'ERR_BAD_SIGNATURE')
  })

  it('still verify once expired: expiry is the command checker\'s job, not the signature\'s', () => {
    const expired = sampleCommand({ expiresAt: T0 - 1 })
    expect(expired.expiresAt).toBeLessThan(Date.now())
    expect(() => verifyCommand(expired)).not.toThrow()
  })

  it('refuse to sign for an issuer that is not the signing key', () => {
    expectCode(() => signCommand(sampleUnsignedCommand(), OTHER_OPERATOR.privateKeyPem), ValidationError, 'ERR_ISSUER_MISMATCH')
  })

  it('refuse to sign a command peers would reject', () => {
    expectCode(() => signCommand({ ...sampleUnsignedCommand(), comment: 'c'.repeat(2000) }, OPERATOR.privateKeyPem), ValidationError, 'ERR_VALIDATION')
  })

  it('re-signing an envelope that already has a sig signs over the rest only', () => {
    const again = signCommand(sampleCommand() as never, OPERATOR.privateKeyPem)
    expect(() => verifyCommand(again)).not.toThrow()
  })
})

describe('node event signatures', () => {
  it('verify under the key inside the origin node id', () => {
    const ev = sampleEvent('transition')
    expect(nodePublicKeyFromId(ev.origin)).toEqual(NODE_A.publicKeyRaw)
    expect(() => verifyEvent(ev, nodePublicKeyFromId(ev.origin))).not.toThrow()
  })

  it('work with a freshly generated libp2p key and an async signer', async () => {
    const key = await generateKeyPair('Ed25519')
    const id = peerIdFromPrivateKey(key).toString()
    const ev = await signEventAsync(sampleUnsignedEvent('code_announce', { origin: id }), (b) => key.sign(b))
    expect(() => verifyEvent(ev, nodePublicKeyFromId(id))).not.toThrow()
  })

  it('read the key from a node id as @libp2p/peer-id does, for Ed25519 ids in their usual form', async () => {
    for (let i = 0; i < 20; i++) {
      const id = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
      expect(nodePublicKeyFromId(id.toString())).toEqual(peerIdFromString(id.toString()).publicKey?.raw)
    }
  })

  it('refuse other key types, other spellings of a peer id and non-ids with a ValidationError', async () => {
    const ed = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
    const secp = peerIdFromPrivateKey(await generateKeyPair('secp256k1'))
    const bad = [
      secp.toString(), // a valid peer id of another key type
      ed.toCID().toString(), // the same Ed25519 id as a CID
      'z' + ed.toString(), // multibase-prefixed
      ed.toString().slice(0, -1), // truncated
      ed.toString() + '1', // one byte longer
      ed.toString().replace(/.$/, '0'), // not base58 (0 is not in the alphabet)
      '', 'n1', 'x'.repeat(500)
    ]
    for (const id of bad) expectCode(() => nodePublicKeyFromId(id), ValidationError, 'ERR_VALIDATION')
  })

  it('still verify after a gossip round trip', () => {
    for (const msg of sampleGossipMessages()) {
      const back = decodeGossip(encodeGossip(msg))
      if (back.kind === 'event') expect(() => verifyEvent(back.event, nodePublicKeyFromId(back.event.origin))).not.toThrow()
      if (back.kind === 'events') for (const e of back.events) expect(() => verifyEvent(e, nodePublicKeyFromId(e.origin))).not.toThrow()
    }
  })

  it('sign the event domain tag plus canonical JSON', () => {
    const unsigned = sampleUnsignedEvent('install')
    expect(new TextDecoder().decode(eventSigningBytes(unsigned))).toBe('slm-event-v1\n' + canonicalJson(unsigned))
  })

  const forgeries: Array<[string, (e: NodeEvent) => NodeEvent, string]> = [
    ['a tampered body', (e) => ({ ...e, body: { ...e.body, comment: 'nothing to see' } } as NodeEvent), 'ERR_BAD_SIGNATURE'],
    ['a changed seq', (e) => ({ ...e, seq: e.seq + 1 }), 'ERR_BAD_SIGNATURE'],
    ['a changed hlc', (e) => ({ ...e, hlc: '009999999999999-000000' }), 'ERR_BAD_SIGNATURE'],
    ['a truncated signature', (e) => ({ ...e, sig: e.sig.slice(0, 40) }), 'ERR_SIGNATURE_FORMAT'],
    ['a flipped signature byte', (e) => ({ ...e, sig: flipChar(e.sig, 3) }), 'ERR_BAD_SIGNATURE']
  ]

  it.each(forgeries)('fail with %s', (_label, forge, code) => {
    const ev = sampleEvent('transition')
    expectCode(() => verifyEvent(forge(ev), nodePublicKeyFromId(ev.origin)), SignatureError, code)
  })

  it('fail for an event about node X signed with node Y\'s key', () => {
    // Y writes X's id as origin and signs with its own key: checked against X's id, it fails.
    const forged = signEvent(sampleUnsignedEvent('transition', { origin: NODE_A.nodeId }), NODE_B.sign)
    expect(forged.origin).toBe(NODE_A.nodeId)
    expectCode(() => verifyEvent(forged, nodePublicKeyFromId(forged.origin)), SignatureError, 'ERR_BAD_SIGNATURE')
  })

  it('do not accept a command signature as an event signature (domain separation)', () => {
    const unsigned = sampleUnsignedEvent('install')
    const wrongDomain = NODE_A.sign(new TextEncoder().encode('slm-command-v1\n' + canonicalJson(unsigned)))
    const ev = { ...unsigned, sig: Buffer.from(wrongDomain).toString('base64url') } as NodeEvent
    expectCode(() => verifyEvent(ev, NODE_A.publicKeyRaw), SignatureError, 'ERR_BAD_SIGNATURE')
  })

  it('reject a public key that is not 32 bytes', () => {
    expectCode(() => verifyEvent(sampleEvent('install'), new Uint8Array(31)), SignatureError, 'ERR_BAD_KEY')
  })

  it('reject a signer that does not return 64 bytes', () => {
    expect(() => signEvent(sampleUnsignedEvent('install'), () => new Uint8Array(10))).toThrow(ValidationError)
  })
})

describe('nodePublicKeyFromId', () => {
  it('rejects a string that is not a peer id', () => {
    expect(() => nodePublicKeyFromId('web-1')).toThrow(ValidationError)
    expect(() => nodePublicKeyFromId('')).toThrow(ValidationError)
  })

  it('rejects a secp256k1 peer id: only Ed25519 node keys are allowed', async () => {
    const key = await generateKeyPair('secp256k1')
    const id = peerIdFromPrivateKey(key).toString()
    expect(() => nodePublicKeyFromId(id)).toThrow(ValidationError)
  })
})
