//! Faults ghsim can inject: error statuses, dropped connections, slow or malformed bodies,
//! rate limits and IP allow lists. A rule matches requests by method and path substring
//! and fires a given number of times (or forever), optionally after letting some through.

use std::time::Duration;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer with this status and GitHub's error body for it.
    Status(u16),
    /// Drop the connection part way through the body.
    Reset,
    /// Wait this long before answering (beyond the configured latency).
    Delay(Duration),
    /// Send the headers, then trickle the body over this long.
    SlowBody(Duration),
    /// A 200 whose body is not the JSON the endpoint promises.
    MalformedJson,
    /// 403 with `x-ratelimit-remaining: 0`, resetting in this many seconds. Until then
    /// (the reset second included) every request the rule matches is refused the same way,
    /// however many times the rule was to fire.
    PrimaryRateLimit { reset_in_secs: u64 },
    /// 403 "You have exceeded a secondary rate limit" with `Retry-After`.
    SecondaryRateLimit { retry_after_secs: u64 },
    /// The same without `Retry-After`, as GitHub sometimes answers (octokit's throttling
    /// plugin: "The Retry-After header can sometimes be blank").
    SecondaryRateLimitWithoutRetryAfter,
    /// 403: the organization's IP allow list refuses the caller.
    IpAllowList,
}

#[derive(Debug, Clone)]
pub struct FaultRule {
    pub method: Option<String>,
    /// Matches when the request path and query (after any `/api/v3`) contain this.
    pub path_contains: String,
    pub kind: FaultKind,
    /// Matching requests to let through before firing.
    pub skip: u32,
    /// How many times to fire; `None` for always.
    pub times: Option<u32>,
    /// A primary rate limit this rule answered lasts until this second (included).
    limited_until: Option<i64>,
}

impl FaultRule {
    pub fn new(path_contains: impl Into<String>, kind: FaultKind) -> Self {
        Self {
            method: None,
            path_contains: path_contains.into(),
            kind,
            skip: 0,
            times: Some(1),
            limited_until: None,
        }
    }

    pub fn method(mut self, method: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self
    }

    pub fn times(mut self, times: u32) -> Self {
        self.times = Some(times);
        self
    }

    pub fn always(mut self) -> Self {
        self.times = None;
        self
    }

    pub fn after(mut self, skip: u32) -> Self {
        self.skip = skip;
        self
    }

    /// Consumes one firing if the rule matches the request (at `now`, epoch seconds on the
    /// simulated clock).
    pub(crate) fn fire(&mut self, method: &str, path: &str, now: i64) -> Option<FaultKind> {
        if self.method.as_deref().is_some_and(|m| m != method)
            || !path.contains(&self.path_contains)
        {
            return None;
        }
        if let Some(until) = self.limited_until {
            if now <= until {
                return Some(FaultKind::PrimaryRateLimit {
                    reset_in_secs: (until - now) as u64,
                });
            }
            self.limited_until = None;
        }
        if self.skip > 0 {
            self.skip -= 1;
            return None;
        }
        let kind = match &mut self.times {
            Some(0) => return None,
            Some(n) => {
                *n -= 1;
                self.kind.clone()
            }
            None => self.kind.clone(),
        };
        if let FaultKind::PrimaryRateLimit { reset_in_secs } = kind {
            self.limited_until = Some(now + reset_in_secs as i64);
        }
        Some(kind)
    }
}

/// Parses `--fault` arguments of the binary: `PATH:KIND[:N]`, where KIND is a status code,
/// `reset`, `slow`, `malformed`, `ratelimit`, `secondary`, `secondary-bare` (no
/// `Retry-After`) or `ipallow`, and N the number of
/// times (default: always).
pub fn parse_rule(spec: &str) -> Result<FaultRule, String> {
    let parts: Vec<&str> = spec.split(':').collect();
    let (path, kind, times) = match parts.as_slice() {
        [path, kind] => (*path, *kind, None),
        [path, kind, times] => (
            *path,
            *kind,
            Some(
                times
                    .parse::<u32>()
                    .map_err(|_| format!("bad count in {spec}"))?,
            ),
        ),
        _ => return Err(format!("expected PATH:KIND[:N], got {spec}")),
    };
    let kind = match kind {
        "reset" => FaultKind::Reset,
        "slow" => FaultKind::SlowBody(Duration::from_secs(5)),
        "malformed" => FaultKind::MalformedJson,
        "ratelimit" => FaultKind::PrimaryRateLimit { reset_in_secs: 120 },
        "secondary" => FaultKind::SecondaryRateLimit {
            retry_after_secs: 60,
        },
        "secondary-bare" => FaultKind::SecondaryRateLimitWithoutRetryAfter,
        "ipallow" => FaultKind::IpAllowList,
        code => FaultKind::Status(
            code.parse()
                .map_err(|_| format!("unknown fault kind {code}"))?,
        ),
    };
    let rule = FaultRule::new(path, kind);
    Ok(match times {
        Some(n) => rule.times(n),
        None => rule.always(),
    })
}
