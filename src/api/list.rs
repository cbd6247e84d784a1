//! The envelope every list answers with: `{"data": [...], "meta": {...}}`.

use axum::http::Uri;
use serde::Serialize;
use utoipa::ToSchema;

use crate::store::Page;

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T> {
    pub data: Vec<T>,
    pub meta: ListMeta,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ListMeta {
    /// How many items match, over all pages.
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Relative URL of the next page, or null on the last one.
    pub next: Option<String>,
    /// Relative URL of the previous page, or null on the first one.
    pub prev: Option<String>,
}

impl<T> ListResponse<T> {
    /// Wraps one page of a list, linking its neighbours by the request's own
    /// URL with only `offset` changed.
    pub fn new(data: Vec<T>, total: i64, page: Page, uri: &Uri) -> Self {
        let next_offset = page.offset.saturating_add(page.limit);
        let next = (next_offset < total).then(|| page_url(uri, next_offset));
        // Past the end, the previous page is the last one that has items.
        let prev =
            (page.offset > 0).then(|| page_url(uri, (page.offset.min(total) - page.limit).max(0)));
        Self {
            data,
            meta: ListMeta {
                total,
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

/// The request's path and query with `offset` set to `offset`.
fn page_url(uri: &Uri, offset: i64) -> String {
    let query = uri.query().unwrap_or_default();
    let mut serializer = form_urlencoded::Serializer::new(String::new());
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        if name != "offset" {
            serializer.append_pair(&name, &value);
        }
    }
    serializer.append_pair("offset", &offset.to_string());
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
        let list = ListResponse::new(vec![1, 2], 10, page, &uri);
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
    fn last_page_has_no_next() {
        let uri: Uri = "/api/v1/topics".parse().unwrap();
        let list = ListResponse::new(
            vec![1],
            5,
            Page {
                limit: 100,
                offset: 0,
            },
            &uri,
        );
        assert_eq!(list.meta.next, None);
        assert_eq!(list.meta.prev, None);
        assert_eq!(list.link_header(), None);
    }
}
