//! RFC 8288 `Link` headers as GitHub sends them for pagination:
//! `<https://api.github.com/app/installations?per_page=100&page=2>; rel="next", <…&page=9>; rel="last"`.

use std::collections::HashMap;

/// Maps each `rel` to its URL.
pub fn parse(header: &str) -> HashMap<String, String> {
    let mut links = HashMap::new();
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let Some(target) = pieces.next().map(str::trim) else {
            continue;
        };
        let Some(url) = target.strip_prefix('<').and_then(|t| t.strip_suffix('>')) else {
            continue;
        };
        for param in pieces {
            if let Some((name, value)) = param.trim().split_once('=')
                && name.trim() == "rel"
            {
                for rel in value.trim().trim_matches('"').split_whitespace() {
                    links.insert(rel.to_owned(), url.to_owned());
                }
            }
        }
    }
    links
}

/// The `page` query parameter of a URL.
pub fn page_number(url: &str) -> Option<u32> {
    query_param(url, "page").and_then(|value| value.parse().ok())
}

/// A query parameter of a URL, decoded (`cursor` of a deliveries link).
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_github_links() {
        let header = r#"<https://api.github.com/app/installations?per_page=100&page=2>; rel="next", <https://api.github.com/app/installations?per_page=100&page=34>; rel="last""#;
        let links = parse(header);
        assert_eq!(page_number(&links["next"]), Some(2));
        assert_eq!(page_number(&links["last"]), Some(34));
        assert!(parse("garbage").is_empty());
        let deliveries = r#"<https://api.github.com/app/hook/deliveries?per_page=100&cursor=v1_5%2B6>; rel="next""#;
        assert_eq!(
            query_param(&parse(deliveries)["next"], "cursor").as_deref(),
            Some("v1_5+6")
        );
    }
}
