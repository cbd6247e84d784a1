//! HTTP caching: a strong `ETag` on every successful GET that changes
//! exactly when the data or the API changes, `If-None-Match` answered with
//! 304 and no body, and a configurable `Cache-Control`.
//!
//! The tag is derived from the data version (bumped by every write, in the
//! same transaction), a fingerprint of this build, the URL, the negotiated
//! representation (`Accept`, `Accept-Language`, content coding) and the
//! caller's `Authorization` (an admin may be shown more). A resource that
//! tags itself (see `body::tagged_json`) keeps its tag, with the content
//! coding added. An answer to a request with a key is `private`: a shared
//! cache must not hand it to anyone else.

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use xxhash_rust::xxh3::Xxh3;

use crate::Error;
use crate::store::snapshot::Readers;

/// What the caching middleware needs.
#[derive(Clone)]
pub struct HttpCache {
    pub readers: Readers,
    /// `Cache-Control: max-age`, in seconds.
    pub max_age: u32,
    /// Changes whenever the API's contract does (a hash of its document).
    pub fingerprint: u64,
}

pub async fn conditional_get(
    State(cache): State<HttpCache>,
    request: Request,
    next: Next,
) -> Response {
    let cacheable = matches!(*request.method(), Method::GET | Method::HEAD)
        && !super::health::OPERATIONAL_PATHS.contains(&request.uri().path());
    if !cacheable {
        return next.run(request).await;
    }
    // The request reads one snapshot, and the tag names that snapshot's
    // version. Without a version there is no validator, and (the database
    // being unreachable) no answer either: say so at once rather than wait
    // twice.
    let snapshot = cache.readers.snapshot();
    let version = match snapshot.version().await {
        Ok(version) => version,
        Err(error) => return Error::from(error).into_response(),
    };
    let mut request = request;
    request.extensions_mut().insert(snapshot);
    let base = tag_base(cache.fingerprint, version, request.uri(), request.headers());
    let private = request.headers().contains_key(header::AUTHORIZATION);
    let if_none_match = request
        .headers()
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .collect::<Vec<_>>()
        .join(", ");
    // The handler always runs: only a successful answer can be "not
    // modified"; an error or an unknown path never is.
    let mut response = next.run(request).await;
    if response.status() != StatusCode::OK {
        return response;
    }
    let coding = response
        .headers()
        .get(header::CONTENT_ENCODING)
        .and_then(|value| value.to_str().ok())
        .map(|coding| format!("-{coding}"))
        .unwrap_or_default();
    // A resource that versions itself (an observation, say) sets its own
    // ETag, so that If-Match on a later write can name its revision.
    if let Some(own) = response
        .headers()
        .get(header::ETAG)
        .and_then(|value| value.to_str().ok())
        .map(|own| own.trim_matches('"').to_owned())
    {
        let etag = format!("\"{own}{coding}\"");
        if !if_none_match.is_empty() && matching_tag(&if_none_match, &own).is_some() {
            let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
            decorate(not_modified.headers_mut(), &etag, cache.max_age, private);
            return not_modified;
        }
        decorate(response.headers_mut(), &etag, cache.max_age, private);
        return response;
    }
    let etag = format!("\"{base}{coding}\"");
    if !if_none_match.is_empty() && matching_tag(&if_none_match, &base).is_some() {
        let mut not_modified = StatusCode::NOT_MODIFIED.into_response();
        decorate(not_modified.headers_mut(), &etag, cache.max_age, private);
        return not_modified;
    }
    decorate(response.headers_mut(), &etag, cache.max_age, private);
    response
}

fn decorate(headers: &mut HeaderMap, etag: &str, max_age: u32, private: bool) {
    if let Ok(etag) = HeaderValue::from_str(etag) {
        headers.insert(header::ETAG, etag);
    }
    let scope = if private { "private" } else { "public" };
    if let Ok(control) = HeaderValue::from_str(&format!("{scope}, max-age={max_age}")) {
        headers.insert(header::CACHE_CONTROL, control);
    }
    headers.append(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Language, Accept-Encoding, Authorization"),
    );
}

/// The tag without its content-coding suffix.
fn tag_base(fingerprint: u64, version: i64, uri: &Uri, headers: &HeaderMap) -> String {
    let mut hasher = Xxh3::new();
    hasher.update(&fingerprint.to_le_bytes());
    hasher.update(uri.to_string().as_bytes());
    hasher.update(b"\n");
    // The key is hashed with the rest, never shown; a tag is only ever
    // handed back to the client that sent it.
    for name in [
        header::ACCEPT,
        header::ACCEPT_LANGUAGE,
        header::AUTHORIZATION,
    ] {
        hasher.update(headers.get(name).map_or(&[][..], HeaderValue::as_bytes));
        hasher.update(b"\n");
    }
    format!("v{version}-{:016x}", hasher.digest())
}

/// The tag in `If-None-Match` that is still current, if any. Tags differ
/// only by content coding when the data are the same, so any coding of the
/// current base matches.
fn matching_tag(if_none_match: &str, base: &str) -> Option<String> {
    if if_none_match.trim() == "*" {
        return Some(format!("\"{base}\""));
    }
    if_none_match.split(',').map(str::trim).find_map(|tag| {
        let opaque = tag.trim_start_matches("W/").trim_matches('"');
        let tag_base = opaque
            .split_once("-gzip")
            .or_else(|| opaque.split_once("-br"))
            .map_or(opaque, |(b, _)| b);
        (tag_base == base).then(|| format!("\"{opaque}\""))
    })
}

#[cfg(test)]
mod tests {
    use super::matching_tag;

    #[test]
    fn any_coding_of_the_current_tag_matches() {
        let base = "v3-00000000000000aa";
        assert_eq!(
            matching_tag("\"v3-00000000000000aa\"", base).as_deref(),
            Some("\"v3-00000000000000aa\"")
        );
        assert_eq!(
            matching_tag("\"x\", W/\"v3-00000000000000aa-gzip\"", base).as_deref(),
            Some("\"v3-00000000000000aa-gzip\"")
        );
        assert_eq!(matching_tag("\"v2-00000000000000aa\"", base), None);
        assert!(matching_tag("*", base).is_some());
    }
}
