//! Stripe's request encoding: `application/x-www-form-urlencoded` with bracket notation
//! (`line_items[0][price_data][unit_amount]=1599`, `expand[]=x`), read into a tree, with
//! Stripe's messages for missing, malformed and unknown parameters.

use std::collections::BTreeMap;

use super::wire::ApiError;

/// One decoded parameter: a value, a nested hash, or a `[]` list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Node {
    Value(String),
    Map(BTreeMap<String, Node>),
    List(Vec<Node>),
}

/// The parameters of one request.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Form {
    root: BTreeMap<String, Node>,
}

/// `a[b][0]` → `["a", "b", "0"]`; `a[]` → `["a", ""]`.
fn split_key(key: &str) -> Option<Vec<&str>> {
    let (head, mut rest) = match key.find('[') {
        Some(i) => (&key[..i], &key[i..]),
        None => (key, ""),
    };
    let mut parts = vec![head];
    while !rest.is_empty() {
        let inner = rest.strip_prefix('[')?;
        let end = inner.find(']')?;
        parts.push(&inner[..end]);
        rest = &inner[end + 1..];
    }
    (!head.is_empty()).then_some(parts)
}

fn insert(map: &mut BTreeMap<String, Node>, path: &[&str], value: String) -> Result<(), ()> {
    let (first, rest) = path.split_first().ok_or(())?;
    if rest.is_empty() {
        map.insert((*first).to_owned(), Node::Value(value));
        return Ok(());
    }
    if rest == [""] {
        let list = map
            .entry((*first).to_owned())
            .or_insert_with(|| Node::List(Vec::new()));
        return match list {
            Node::List(items) => {
                items.push(Node::Value(value));
                Ok(())
            }
            _ => Err(()),
        };
    }
    let child = map
        .entry((*first).to_owned())
        .or_insert_with(|| Node::Map(BTreeMap::new()));
    match child {
        Node::Map(inner) => insert(inner, rest, value),
        _ => Err(()),
    }
}

impl Form {
    /// Decodes a request body (or query string).
    pub(crate) fn parse(bytes: &[u8]) -> Result<Self, ApiError> {
        let mut root = BTreeMap::new();
        for (key, value) in form_urlencoded::parse(bytes) {
            let path = split_key(&key)
                .ok_or_else(|| ApiError::invalid(format!("Invalid parameter name: {key}")))?;
            insert(&mut root, &path, value.into_owned()).map_err(|()| {
                ApiError::invalid(format!("Invalid array or hash for parameter: {key}"))
                    .param(key.to_string())
            })?;
        }
        Ok(Self { root })
    }

    /// Refuses any top-level parameter outside `known`, as Stripe does.
    pub(crate) fn only(&self, known: &[&str]) -> Result<(), ApiError> {
        match self.root.keys().find(|key| !known.contains(&key.as_str())) {
            Some(unknown) => Err(ApiError::invalid(format!(
                "Received unknown parameter: {unknown}"
            ))
            .code("parameter_unknown")
            .param(unknown.clone())),
            None => Ok(()),
        }
    }

    /// The whole request as one hash, for [`Hash`] accessors.
    pub(crate) fn root(&self) -> Hash<'_> {
        Hash {
            map: &self.root,
            path: String::new(),
        }
    }
}

/// A hash inside the request, remembering its path for error messages.
#[derive(Debug, Clone)]
pub(crate) struct Hash<'a> {
    map: &'a BTreeMap<String, Node>,
    path: String,
}

impl<'a> Hash<'a> {
    fn param(&self, name: &str) -> String {
        if self.path.is_empty() {
            name.to_owned()
        } else {
            format!("{}[{name}]", self.path)
        }
    }

    /// A plain value; a hash or list where a value belongs is an error.
    pub(crate) fn string(&self, name: &str) -> Result<Option<&'a str>, ApiError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Node::Value(value)) => Ok(Some(value)),
            Some(_) => Err(ApiError::invalid(format!(
                "Invalid string: {} must be a string",
                self.param(name)
            ))
            .param(self.param(name))),
        }
    }

    /// A value that must be present and not empty.
    pub(crate) fn required(&self, name: &str) -> Result<&'a str, ApiError> {
        match self.string(name)? {
            Some(value) if !value.is_empty() => Ok(value),
            Some(_) => Err(ApiError::invalid(format!(
                "You passed an empty string for '{}'. We assume empty values are an attempt to \
                 unset a parameter; however '{}' cannot be unset. You should remove '{}' from \
                 your request or supply a non-empty value.",
                self.param(name),
                self.param(name),
                self.param(name)
            ))
            .code("parameter_invalid_empty")
            .param(self.param(name))),
            None => Err(ApiError::invalid(format!(
                "Missing required param: {}.",
                self.param(name)
            ))
            .code("parameter_missing")
            .param(self.param(name))),
        }
    }

    /// An integer value.
    pub(crate) fn integer(&self, name: &str) -> Result<Option<i64>, ApiError> {
        self.string(name)?
            .map(|value| {
                value.parse().map_err(|_| {
                    ApiError::invalid(format!("Invalid integer: {value}"))
                        .code("parameter_invalid_integer")
                        .param(self.param(name))
                })
            })
            .transpose()
    }

    /// A nested hash, e.g. `price_data`.
    pub(crate) fn hash(&self, name: &str) -> Result<Option<Hash<'a>>, ApiError> {
        match self.map.get(name) {
            None => Ok(None),
            Some(Node::Map(map)) => Ok(Some(Hash {
                map,
                path: self.param(name),
            })),
            Some(_) => Err(ApiError::invalid(format!(
                "Invalid object: {} must be a hash",
                self.param(name)
            ))
            .param(self.param(name))),
        }
    }

    /// A list of hashes sent as `name[0][…]`, `name[1][…]`, in index order.
    pub(crate) fn list(&self, name: &str) -> Result<Vec<Hash<'a>>, ApiError> {
        let Some(list) = self.hash(name)? else {
            return Ok(Vec::new());
        };
        let mut items: Vec<(usize, Hash<'a>)> = Vec::new();
        for key in list.map.keys() {
            let index: usize = key.parse().map_err(|_| {
                ApiError::invalid(format!("Invalid array: {} must be an array", list.path))
                    .param(list.path.clone())
            })?;
            let item = list.hash(key)?.ok_or_else(|| {
                ApiError::invalid(format!(
                    "Invalid object: {}[{key}] must be a hash",
                    list.path
                ))
            })?;
            items.push((index, item));
        }
        items.sort_by_key(|(index, _)| *index);
        Ok(items.into_iter().map(|(_, item)| item).collect())
    }

    /// A `metadata`-style hash of strings (empty when absent).
    pub(crate) fn strings(&self, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
        let Some(hash) = self.hash(name)? else {
            return Ok(BTreeMap::new());
        };
        hash.map
            .keys()
            .map(|key| {
                let value = hash.string(key)?.unwrap_or_default();
                Ok((key.clone(), value.to_owned()))
            })
            .collect()
    }

    /// A list of plain values, sent as `name[]=a&name[]=b` or `name[0]=a&name[1]=b`.
    pub(crate) fn values(&self, name: &str) -> Result<Vec<&'a str>, ApiError> {
        let invalid = || {
            ApiError::invalid(format!(
                "Invalid array: {} must be an array",
                self.param(name)
            ))
            .param(self.param(name))
        };
        match self.map.get(name) {
            None => Ok(Vec::new()),
            Some(Node::List(items)) => items
                .iter()
                .map(|item| match item {
                    Node::Value(value) => Ok(value.as_str()),
                    _ => Err(invalid()),
                })
                .collect(),
            Some(Node::Map(map)) => {
                let mut items = Vec::new();
                for (key, item) in map {
                    let index: usize = key.parse().map_err(|_| invalid())?;
                    match item {
                        Node::Value(value) => items.push((index, value.as_str())),
                        _ => return Err(invalid()),
                    }
                }
                items.sort_by_key(|(index, _)| *index);
                Ok(items.into_iter().map(|(_, value)| value).collect())
            }
            Some(Node::Value(_)) => Err(invalid()),
        }
    }

    /// Top-level keys of this hash.
    pub(crate) fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.keys().map(String::as_str)
    }

    /// Where this hash sits in the request, e.g. `line_items[0][price_data]`.
    pub(crate) fn path(&self) -> &str {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_bracket_notation_like_stripe_clients_send_it() {
        // serde_qs (async-stripe) percent-encodes the brackets; curl users do not.
        let body = "mode=payment&line_items%5B0%5D%5Bprice_data%5D%5Bunit_amount%5D=1599\
                    &line_items[0][price_data][product_data][name]=Japan+10+GB\
                    &line_items[1][quantity]=2&line_items[0][quantity]=1\
                    &metadata[order_id]=ord_1&expand[]=payment_intent&expand[]=line_items";
        let form = Form::parse(body.as_bytes()).unwrap();
        let root = form.root();
        assert_eq!(root.required("mode").unwrap(), "payment");
        let items = root.list("line_items").unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].integer("quantity").unwrap(), Some(1));
        assert_eq!(items[1].integer("quantity").unwrap(), Some(2));
        let price = items[0].hash("price_data").unwrap().unwrap();
        assert_eq!(price.integer("unit_amount").unwrap(), Some(1599));
        assert_eq!(price.path(), "line_items[0][price_data]");
        let product = price.hash("product_data").unwrap().unwrap();
        assert_eq!(product.required("name").unwrap(), "Japan 10 GB");
        assert_eq!(root.strings("metadata").unwrap()["order_id"], "ord_1");
        assert_eq!(
            root.values("expand").unwrap(),
            ["payment_intent", "line_items"]
        );
        let indexed = Form::parse(b"expand[1]=b&expand[0]=a").unwrap();
        assert_eq!(indexed.root().values("expand").unwrap(), ["a", "b"]);
    }

    #[test]
    fn reports_errors_with_stripe_messages() {
        let form = Form::parse(b"amount=ten&payment_intent=&bogus=1").unwrap();
        let root = form.root();
        let error = root.integer("amount").unwrap_err();
        assert_eq!(error.message, "Invalid integer: ten");
        assert_eq!(error.param.as_deref(), Some("amount"));
        assert_eq!(
            root.required("charge").unwrap_err().message,
            "Missing required param: charge."
        );
        assert_eq!(
            root.required("payment_intent").unwrap_err().code,
            Some("parameter_invalid_empty")
        );
        let unknown = form.only(&["amount", "payment_intent"]).unwrap_err();
        assert_eq!(unknown.message, "Received unknown parameter: bogus");
        assert!(Form::parse(b"a=1&a[b]=2").is_err());
    }
}
