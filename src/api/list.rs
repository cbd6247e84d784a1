//! The envelope every list answers with: `{"data": [...], "meta": {...}}`.

use axum::http::Uri;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::{Page, Total};

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub meta: ListMeta,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// How many items match, over all pages: exactly, or the database's
    /// estimate (see `total_kind`).
    pub total: i64,
    /// `exact`, or `planned` when `total` is the query planner's estimate
    /// (a long list of observations, unless `Prefer: count=exact`).
    pub total_kind: TotalKind,
    pub limit: i64,
    pub offset: i64,
    /// Relative URL of the next page, or null on the last one.
    pub next: Option<String>,
    /// Relative URL of the previous page, or null on the first one.
    pub prev: Option<String>,
}

/// Whether a total was counted or estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TotalKind {
    Exact,
    Planned,
}

impl<T> ListResponse<T> {
    /// Wraps one page of a list, linking its neighbours by the request's own
    /// URL: the next page by `after` (the key the page ended on) for lists
    /// that page by key, else by `offset`; the previous one by `offset`.
    pub fn new(data: Vec<T>, total: Total, page: Page, uri: &Uri, after: Option<&str>) -> Self {
        let next_offset = page.offset.saturating_add(page.limit);
        let next = match after {
            Some(after) => Some(page_url(uri, "after", after)),
            None => (next_offset < total.value)
                .then(|| page_url(uri, "offset", &next_offset.to_string())),
        };
        // Past the end, the previous page is the last one that has items.
        let prev = (page.offset > 0).then(|| {
            let offset = (page.offset.min(total.value) - page.limit).max(0);
            page_url(uri, "offset", &offset.to_string())
        });
        Self {
            data,
            meta: ListMeta {
                total: total.value,
                total_kind: if total.exact {
                    TotalKind::Exact
                } else {
                    TotalKind::Planned
                },
                limit: page.limit,
                offset: page.offset,
                next,
                prev,
            },
        }
    }

    /// The same links as an RFC 8288 `Link` header value, if there are any.
    pub fn link_header(&self) -> Option<String> {
        let links: Vec<String> = [("next", &self.meta.next), ("prev", &self.meta.prev)]
            .into_iter()
            .filter_map(|(rel, url)| url.as_ref().map(|url| format!("<{url}>; rel=\"{rel}\"")))
            .collect();
        (!links.is_empty()).then(|| links.join(", "))
    }
}

/// The request's path and query with the page's position (`offset` or
/// `after`) replaced by `name=value`.
fn page_url(uri: &Uri, name: &str, value: &str) -> String {
    let query = uri.query().unwrap_or_default();
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (param, given) in form_urlencoded::parse(query.as_bytes()) {
        if param != "offset" && param != "after" {
            serializer.append_pair(&param, &given);
        }
    }
    serializer.append_pair(name, value);
    format!("{}?{}", uri.path(), serializer.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_page_keeps_filters_and_replaces_offset() {
        let uri: Uri = "/api/v1/observations?region=371502&offset=2&limit=2"
            .parse()
            .unwrap();
        let page = Page {
            limit: 2,
            offset: 2,
        };
        let list = ListResponse::new(vec![1, 2], Total::exact(10), page, &uri, None);
        assert_eq!(
            list.meta.next.as_deref(),
            Some("/api/v1/observations?region=371502&limit=2&offset=4")
        );
        assert_eq!(
            list.meta.prev.as_deref(),
            Some("/api/v1/observations?region=371502&limit=2&offset=0")
        );
        assert_eq!(
            list.link_header().as_deref(),
            Some(
                "</api/v1/observations?region=371502&limit=2&offset=4>; rel=\"next\", \
                 </api/v1/observations?region=371502&limit=2&offset=0>; rel=\"prev\""
            )
        );
    }

    #[test]
    fn a_keyed_next_page_replaces_the_offset_with_after() {
        let uri: Uri = "/api/v1/observations?indicator=x&offset=4&limit=2"
            .parse()
            .unwrap();
        let page = Page {
            limit: 2,
            offset: 4,
        };
        let list = ListResponse::new(vec![1, 2], Total::planned(50), page, &uri, Some("k1"));
        assert_eq!(
            list.meta.next.as_deref(),
            Some("/api/v1/observations?indicator=x&limit=2&after=k1")
        );
        assert_eq!(
            list.meta.prev.as_deref(),
            Some("/api/v1/observations?indicator=x&limit=2&offset=2")
        );
        assert_eq!(list.meta.total_kind, TotalKind::Planned);
    }

    #[test]
    fn last_page_has_no_next() {
        let uri: Uri = "/api/v1/topics".parse().unwrap();
        let list = ListResponse::new(
            vec![1],
            Total::exact(5),
            Page {
                limit: 100,
                offset: 0,
            },
            &uri,
            None,
        );
        assert_eq!(list.meta.next, None);
        assert_eq!(list.meta.prev, None);
        assert_eq!(list.link_header(), None);
    }
}
