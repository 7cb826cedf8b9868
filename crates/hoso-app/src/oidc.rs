//! Optional sign-in through the province's shared account system (OpenID Connect; Lai Châu's
//! regulation links personal accounts to it): authorization-code flow with PKCE (S256), a nonce
//! bound into the ID token, and a single-use state. The ID token's claim carrying the số định
//! danh (configurable) names the personal account whose username is that number; nobody else
//! signs in this way, and an unknown number is refused (audited) — accounts are never created
//! from the outside.

use hoso_domain::audit_action::AuditAction;
use std::collections::HashMap;

use hoso_store::{accounts, oidc as store};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType,
    CoreGenderClaim, CoreJsonWebKey, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
    CoreProviderMetadata, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AdditionalClaims, AuthorizationCode, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, StandardErrorResponse,
    StandardTokenResponse, TokenResponse,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::config::OidcConfig;
use crate::work::About;
use crate::{Actor, App, AppError, AppResult, ClientInfo};

/// How long a sign-in may take at the provider.
const PENDING_MS: i64 = 10 * 60_000;

/// Claims of the ID token beyond the standard ones: the số định danh claim is among them.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct OtherClaims(HashMap<String, serde_json::Value>);

impl AdditionalClaims for OtherClaims {}

type Fields = IdTokenFields<
    OtherClaims,
    EmptyExtraTokenFields,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJwsSigningAlgorithm,
>;

type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    StandardTokenResponse<Fields, CoreTokenType>,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Where to send the browser, and the state to keep beside it (in a cookie) until it returns.
#[derive(Debug, Clone)]
pub struct OidcStart {
    pub authorize_url: String,
    pub state: String,
}

fn state_hash(state: &str) -> String {
    hex::encode(Sha256::digest(format!("oidc-state:{state}").as_bytes()))
}

fn unavailable() -> AppError {
    AppError::BadRequest(
        "Không kết nối được hệ thống tài khoản dùng chung. Vui lòng thử lại sau hoặc đăng nhập bằng mật khẩu."
            .into(),
    )
}

fn failed() -> AppError {
    AppError::BadRequest(
        "Đăng nhập bằng tài khoản dùng chung không thành công (phiên đăng nhập hết hạn hoặc không hợp lệ). Vui lòng thử lại."
            .into(),
    )
}

impl App {
    pub fn oidc_enabled(&self) -> bool {
        self.config.oidc.is_some()
    }

    fn oidc_config(&self) -> AppResult<&OidcConfig> {
        self.config.oidc.as_ref().ok_or(AppError::NotFound(
            "Chưa cấu hình đăng nhập bằng tài khoản dùng chung.",
        ))
    }

    /// The provider's metadata (read fresh, so its key rotations are followed) and a client.
    async fn oidc_client(
        &self,
        config: &OidcConfig,
    ) -> AppResult<(OidcClient, openidconnect::reqwest::Client)> {
        let http = openidconnect::reqwest::ClientBuilder::new()
            // Following redirects would let a provider point this server anywhere.
            .redirect(openidconnect::reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(15))
            .build()
            .map_err(|e| AppError::Internal(format!("OIDC HTTP client: {e}")))?;
        let issuer = IssuerUrl::new(config.issuer.clone())
            .map_err(|e| AppError::Internal(format!("HOSO_OIDC_ISSUER: {e}")))?;
        let metadata = CoreProviderMetadata::discover_async(issuer, &http)
            .await
            .map_err(|e| {
                tracing::warn!(error = %e, "OIDC discovery failed");
                unavailable()
            })?;
        let redirect = RedirectUrl::new(config.redirect_url.clone())
            .map_err(|e| AppError::Internal(format!("HOSO_OIDC_REDIRECT_URL: {e}")))?;
        let client = OidcClient::from_provider_metadata(
            metadata,
            ClientId::new(config.client_id.clone()),
            config
                .client_secret
                .as_ref()
                .map(|s| ClientSecret::new(s.expose().to_string())),
        )
        .set_redirect_uri(redirect);
        Ok((client, http))
    }

    /// Starts a sign-in: the provider's authorization URL (PKCE challenge, nonce, state) and
    /// the state, which the caller keeps in the browser to check the answer against.
    pub async fn oidc_begin(&self) -> AppResult<OidcStart> {
        let config = self.oidc_config()?;
        let (client, _) = self.oidc_client(config).await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                CoreAuthenticationFlow::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let mut tx = self.store.begin().await?;
        store::insert(
            &mut tx,
            &state_hash(state.secret()),
            &store::PendingLogin {
                pkce_verifier: verifier.secret().clone(),
                nonce: nonce.secret().clone(),
            },
            hoso_store::now_ms() + PENDING_MS,
        )
        .await?;
        tx.commit().await.map_err(hoso_store::StoreError::from)?;
        Ok(OidcStart {
            authorize_url: url.to_string(),
            state: state.secret().clone(),
        })
    }

    /// Finishes a sign-in from the provider's answer: `state` must be the one this browser
    /// started with (`expected_state`, from its cookie) and still pending; the code is exchanged
    /// with the PKCE verifier, the ID token verified (signature, issuer, audience, expiry,
    /// nonce), and its số định danh claim mapped to a personal account.
    pub async fn oidc_finish(
        &self,
        code: &str,
        state: &str,
        expected_state: Option<&str>,
        client: &ClientInfo,
    ) -> AppResult<(String, Actor)> {
        let config = self.oidc_config()?;
        let same_browser = expected_state.is_some_and(|s| {
            s.len() == state.len()
                && s.bytes()
                    .zip(state.bytes())
                    .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                    == 0
        });
        let mut tx = self.store.begin().await?;
        let pending = store::take(&mut tx, &state_hash(state), hoso_store::now_ms()).await?;
        tx.commit().await.map_err(hoso_store::StoreError::from)?;
        let Some(pending) = pending.filter(|_| same_browser) else {
            self.refuse_oidc(client, "bad_state").await?;
            return Err(failed());
        };
        let (oidc, http) = self.oidc_client(config).await?;
        let response = oidc
            .exchange_code(AuthorizationCode::new(code.to_string()))
            .map_err(|e| AppError::Internal(format!("OIDC provider has no token endpoint: {e}")))?
            .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
            .request_async(&http)
            .await;
        let response = match response {
            Ok(r) => r,
            Err(e) => {
                tracing::warn!(error = %e, "OIDC code exchange failed");
                self.refuse_oidc(client, "code_exchange_failed").await?;
                return Err(failed());
            }
        };
        let Some(id_token) = response.id_token() else {
            self.refuse_oidc(client, "no_id_token").await?;
            return Err(failed());
        };
        let claims = match id_token.claims(&oidc.id_token_verifier(), &Nonce::new(pending.nonce)) {
            Ok(c) => c,
            Err(e) => {
                tracing::warn!(error = %e, "OIDC ID token refused");
                self.refuse_oidc(client, "id_token_invalid").await?;
                return Err(failed());
            }
        };
        let number = match config.id_claim.as_str() {
            "sub" => Some(claims.subject().to_string()),
            "preferred_username" => claims.preferred_username().map(|u| u.to_string()),
            name => claims
                .additional_claims()
                .0
                .get(name)
                .and_then(|v| v.as_str().map(str::to_string)),
        };
        let Some(number) =
            number.filter(|n| n.len() == 12 && n.bytes().all(|b| b.is_ascii_digit()))
        else {
            self.refuse_oidc(client, "no_national_id_claim").await?;
            return Err(AppError::BadRequest(
                "Tài khoản dùng chung không cung cấp số định danh cá nhân hợp lệ, nên không đăng nhập được vào Hoso."
                    .into(),
            ));
        };
        let mut conn = self.store.reader().await?;
        let mut account = accounts::by_username(&mut conn, &number).await?;
        drop(conn);
        if account.is_none() {
            // The province's account system proved who this is: a record in service with this
            // number gets its personal account now (LS Đ7.1, LC Đ6.3).
            account = self.personal_account_from_oidc(&number, client).await?;
        }
        let Some(account) = account.filter(|a| a.active && a.person_id.is_some()) else {
            self.refuse_oidc(client, "unknown_account").await?;
            return Err(AppError::BadRequest(
                "Số định danh của tài khoản dùng chung chưa gắn với tài khoản cá nhân nào trong Hoso (hoặc tài khoản đã bị khóa). Vui lòng liên hệ bộ phận tổ chức cán bộ của đơn vị."
                    .into(),
            ));
        };
        let now = hoso_store::now_ms();
        if let Some(until) = account.locked_until.filter(|u| *u > now) {
            return Err(AppError::Locked {
                minutes: ((until - now) / 60_000).max(1),
            });
        }
        self.open_session(account, "oidc", client).await
    }

    /// Records a refused shared-account sign-in (without the number: no personal data).
    async fn refuse_oidc(&self, client: &ClientInfo, reason: &str) -> AppResult<()> {
        let mut tx = self.begin_work_as(None, client).await?;
        tx.audit(
            AuditAction::AuthOidcRefused,
            About::kind("account"),
            serde_json::json!({"reason": reason}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
