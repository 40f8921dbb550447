// The OpenID Provider of HoS-portalen's tests: the pinned `oidc-provider` package with one
// client and a few accounts. Reads {port, issuer, client, accounts} as JSON on standard input;
// prints "ready" once it listens on 127.0.0.1. Its own login form (devInteractions) takes any
// password; the login name picks the account.
import { generateKeyPair, exportJWK } from 'jose';
import Provider from 'oidc-provider';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const settings = JSON.parse(Buffer.concat(chunks).toString('utf8'));

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'hos-test', use: 'sig', alg: 'RS256' };

const provider = new Provider(settings.issuer, {
  clients: [settings.client],
  jwks: { keys: [jwk] },
  cookies: { keys: [settings.cookieKey] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'https://id.oidc.se/claim/orgNumber'],
  },
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  async findAccount(ctx, id) {
    const claims = settings.accounts[id];
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...claims }; } };
  },
});
provider.on('server_error', (ctx, error) => console.error('server_error', error));

provider.listen(settings.port, '127.0.0.1', () => {
  console.log('ready');
});
