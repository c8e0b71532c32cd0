//! Signature rules: empty, or all zero bytes.

use super::{rules, Input, Report};

pub fn check(input: &Input<'_>, r: &mut Report) {
    if input.token.kind != "JWS" {
        return;
    }
    match input.token.signature.as_deref() {
        Some([]) => r.add(rules::SIGNATURE_EMPTY, "the signature segment is empty"),
        Some(sig) if sig.iter().all(|&b| b == 0) => r.add(
            rules::SIGNATURE_ZERO,
            format!("the {}-byte signature is all zeros", sig.len()),
        ),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::test_support::*;

    #[test]
    fn empty_and_zero_signatures() {
        let (h, c) = clean_parts();
        fires(
            "signature_empty",
            &token(h.clone(), c.clone(), Some(&[])),
            None,
        );
        fires("signature_zero", &token(h, c, Some(&[0; 64])), None);
    }
}
