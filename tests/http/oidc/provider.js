// A real OpenID provider for tests/http/test_sso.py: oidc-provider (an
// OpenID-certified implementation) served over HTTPS on 127.0.0.1 with the
// certificate the test made. Its development sign-in form takes any login as
// the account id; the accounts' claims come from the configuration.
//
// usage: node provider.js CONFIG.json
//   {"port": 0, "cert": "...pem", "key": "...pem", "alg": "RS256"|"ES256",
//    "clients": [{client_id, client_secret, redirect_uris, token_endpoint_auth_method}],
//    "accounts": {"alice": {"email": "...", "email_verified": true}}}
// Prints "listening PORT" once it serves; the issuer is https://127.0.0.1:PORT.
import fs from 'node:fs';
import https from 'node:https';
import * as jose from 'jose';
import Provider from 'oidc-provider';

const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const alg = cfg.alg || 'RS256';
const { privateKey } = await jose.generateKeyPair(alg, { extractable: true });
const jwk = { ...(await jose.exportJWK(privateKey)), alg, use: 'sig', kid: `test-${alg}` };

const server = https.createServer({
  cert: fs.readFileSync(cfg.cert), key: fs.readFileSync(cfg.key),
});
await new Promise((ok) => server.listen(cfg.port || 0, '127.0.0.1', ok));
const { port } = server.address();
const issuer = `https://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: cfg.clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    id_token_signed_response_alg: alg,
    ...c,
  })),
  jwks: { keys: [jwk] },
  cookies: { keys: ['edbridge-test-cookie-key'] },
  pkce: { required: () => true },
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  findAccount: async (ctx, id) => {
    const a = cfg.accounts[id];
    if (!a) return undefined;
    return { accountId: id, claims: async () => ({ sub: id, ...a }) };
  },
  ttl: { AuthorizationCode: 60, IdToken: 3600, AccessToken: 3600, Session: 3600, Interaction: 600, Grant: 3600 },
});
provider.proxy = false;
server.on('request', provider.callback());
process.stdout.write(`listening ${port}\n`);
