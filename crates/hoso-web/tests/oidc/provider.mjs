// A real OpenID Connect provider (oidc-provider) standing in for the province's shared account
// system in Hoso's OIDC sign-in test. Started by crates/hoso-web/tests/oidc.rs:
//
//   OIDC_PORT=… OIDC_REDIRECT_URI=… node provider.mjs
//
// One confidential client `hoso`; PKCE required. Every account's ID token carries the claim
// `so_dinh_danh` equal to its account id. There is no login form: the test picks who signs in
// by adding `?user=<id>` to the interaction URL the provider redirects to, and this file
// finishes the interaction (login and consent) for that user.

import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT);
const redirectUri = process.env.OIDC_REDIRECT_URI;
const claimName = process.env.OIDC_ID_CLAIM || 'so_dinh_danh';
if (!port || !redirectUri) {
  console.error('OIDC_PORT and OIDC_REDIRECT_URI are required');
  process.exit(2);
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: [
    {
      client_id: 'hoso',
      client_secret: 'hoso-test-secret',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    },
  ],
  pkce: { required: () => true },
  claims: { openid: ['sub'], profile: [claimName, 'name'] },
  // The claims of the granted scopes go into the ID token itself.
  conformIdTokenClaims: false,
  cookies: { keys: ['hoso-oidc-test-only'] },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  findAccount: async (_ctx, id) => ({
    accountId: id,
    claims: async () => ({ sub: id, [claimName]: id, name: `Người dùng ${id}` }),
  }),
});

provider.use(async (ctx, next) => {
  const match = ctx.path.match(/^\/interaction\/[^/]+$/);
  if (ctx.method !== 'GET' || !match) {
    await next();
    return;
  }
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  const accountId = ctx.query.user || details.session?.accountId;
  if (!accountId) {
    ctx.status = 400;
    ctx.body = 'add ?user=<account id>';
    return;
  }
  const { params } = details;
  const grant = new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(params.scope);
  grant.addOIDCClaims([claimName, 'name']);
  const grantId = await grant.save();
  // Answer through koa (a redirect back to the authorization endpoint), not on the raw
  // response, so that the kept-alive connection stays sound.
  const target = await provider.interactionResult(
    ctx.req,
    ctx.res,
    { login: { accountId }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
  ctx.status = 303;
  ctx.redirect(target);
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`ready http://127.0.0.1:${port}`);
});
