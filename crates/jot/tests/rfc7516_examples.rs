//! Worked examples from RFC 7516 Appendix A (A.1–A.5) and an end-to-end
//! check of RFC 7518 Appendix C (ECDH-ES key agreement). Keys, tokens and
//! the A.3 CEK/IV are copied from the RFCs.

mod common;

use common::{b64u, unb64u};
use jot::jwe::{
    self, ContentEncryption, DecryptOptions, DecryptionKey, EncryptOptions, EncryptionKey,
    FixedContent, FixedKeyManagement, KeyManagement, Recipient,
};
use jot::jwk::Jwk;
use jot::Error;
use serde_json::{json, Value};

/// RFC 7516 A.1: "The true sign of intelligence is not knowledge but
/// imagination."
const A1_PLAINTEXT: &str = "The true sign of intelligence is not knowledge but imagination.";

/// RFC 7516 A.1.1-A.1.3: the RSA key (RSA-OAEP).
const A1_KEY: &str = concat!(
    r#"{"kty":"RSA","n":"oahUIoWw0K0usKNuOR6H4wkf4oBUXHTxRvgb48E-BVvxkeDNjbC4he8rUW"#,
    "cJoZmds2h7M70imEVhRU5djINXtqllXI4DFqcI1DgjT9LewND8MW2Krf3S",
    "psk_ZkoFnilakGygTwpZ3uesH-PFABNIUYpOiN15dsQRkgr0vEhxN92i2a",
    "sbOenSZeyaxziK72UwxrrKoExv6kc5twXTq4h-QChLOln0_mtUZwfsRaMS",
    "tPs6mS6XrgxnxbWhojf663tuEQueGC-FCMfra36C9knDFGzKsNa7LZK2dj",
    r#"YgyD3JR_MB_4NUJW_TqOQtwHYbxevoJArm-L5StowjzGy-_bq6Gw","e":"AQAB","#,
    r#""d":"kLdtIj6GbDks_ApCSTYQtelcNttlKiOyPzMrXHeI-yk1F7-kpDxY4-WY5N"#,
    "WV5KntaEeXS1j82E375xxhWMHXyvjYecPT9fpwR_M9gV8n9Hrh2anTpTD9",
    "3Dt62ypW3yDsJzBnTnrYu1iwWRgBKrEYY46qAZIrA2xAwnm2X7uGR1hghk",
    "qDp0Vqj3kbSCz1XyfCs6_LehBwtxHIyh8Ripy40p24moOAbgxVw3rxT_vl",
    "t3UVe4WO3JkJOzlpUf-KTVI2Ptgm-dARxTEtE-id-4OJr0h-K-VFs3VSnd",
    r#"VTIznSxfyrj8ILL6MG_Uv8YAu7VILSB3lOW085-4qE3DzgrTjgyQ","#,
    r#""p":"1r52Xk46c-LsfB5P442p7atdPUrxQSy4mti_tZI3Mgf2EuFVbUoDBvaRQ-"#,
    "SWxkbkmoEzL7JXroSBjSrK3YIQgYdMgyAEPTPjXv_hI2_1eTSPVZfzL0lf",
    r#"fNn03IXqWF5MDFuoUYE0hzb2vhrlN_rKrbfDIwUbTrjjgieRbwC6Cl0","#,
    r#""q":"wLb35x7hmQWZsWJmB_vle87ihgZ19S8lBEROLIsZG4ayZVe9Hi9gDVCOBm"#,
    "UDdaDYVTSNx_8Fyw1YYa9XGrGnDew00J28cRUoeBB_jKI1oma0Orv1T9aX",
    r#"IWxKwd4gvxFImOWr3QRL9KEBRzk2RatUBnmDZJTIAfwTs0g68UZHvtc","#,
    r#""dp":"ZK-YwE7diUh0qR1tR7w8WHtolDx3MZ_OTowiFvgfeQ3SiresXjm9gZ5KL"#,
    "hMXvo-uz-KUJWDxS5pFQ_M0evdo1dKiRTjVw_x4NyqyXPM5nULPkcpU827",
    r#"rnpZzAJKpdhWAgqrXGKAECQH0Xt4taznjnd_zVpAmZZq60WPMBMfKcuE","#,
    r#""dq":"Dq0gfgJ1DdFGXiLvQEZnuKEN0UUmsJBxkjydc3j4ZYdBiMRAy86x0vHCj"#,
    "ywcMlYYg4yoC4YZa9hNVcsjqA3FeiL19rk8g6Qn29Tt0cj8qqyFpz9vNDB",
    r#"UfCAiJVeESOjJDZPYHdHY8v1b-o-Z2X5tvLx-TCekf7oxyeKDUqKWjis","#,
    r#""qi":"VIMpMYbPf47dT1w_zDUXfPimsSegnMOA1zTaX7aGk_8urY6R8-ZW1FxU7"#,
    "AlWAyLWybqq6t16VFd7hQd0y6flUK4SlOydB61gwanOsXGOAOv82cHq0E3",
    r#"eL4HrtZkUuKvnPrMnsUUFlfUdybVzxyjz9JF_XyaY14ardLSjf4L_FNY"}"#,
);

/// RFC 7516 A.1.7: `{"alg":"RSA-OAEP","enc":"A256GCM"}`.
const A1_TOKEN: &str = concat!(
    "eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.",
    "OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe",
    "ipsEdY3mx_etLbbWSrFr05kLzcSr4qKAq7YN7e9jwQRb23nfa6c9d-StnImGyFDb",
    "Sv04uVuxIp5Zms1gNxKKK2Da14B8S4rzVRltdYwam_lDp5XnZAYpQdb76FdIKLaV",
    "mqgfwX7XWRxv2322i-vDxRfqNzo_tETKzpVLzfiwQyeyPGLBIO56YJ7eObdv0je8",
    "1860ppamavo35UgoRdbYaBcoh9QcfylQr66oc6vFWXRcZ_ZT2LawVCWTIy3brGPi",
    "6UklfCpIMfIjf7iGdXKHzg.",
    "48V1_ALb6US04U3b.",
    "5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6ji",
    "SdiwkIr3ajwQzaBtQD_A.",
    "XFBoMYUZodetZdvTiFvSkQ",
);

/// RFC 7516 A.2-A.5: "Live long and prosper."
const LIVE_LONG: &str = "Live long and prosper.";

/// RFC 7516 A.2.3: the RSA key (RSA1_5).
const A2_KEY: &str = concat!(
    r#"{"kty":"RSA","n":"sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri23bOdgWp4Dy1Wl"#,
    "UzewbgBHod5pcM9H95GQRV3JDXboIRROSBigeC5yjU1hGzHHyXss8UDpre",
    "cbAYxknTcQkhslANGRUZmdTOQ5qTRsLAt6BTYuyvVRdhS8exSZEy_c4gs_",
    "7svlJJQ4H9_NxsiIoLwAEk7-Q3UXERGYw_75IDrGA84-lA_-Ct4eTlXHBI",
    "Y2EaV7t7LjJaynVJCpkv4LKjTTAumiGUIuQhrNhZLuF_RJLqHpM2kgWFLU",
    r#"7-VTdL1VbC2tejvcI2BlMkEpk1BzBZI0KQB0GaDWFLN-aEAw3vRw","e":"AQAB","#,
    r#""d":"VFCWOqXr8nvZNyaaJLXdnNPXZKRaWCjkU5Q2egQQpTBMwhprMzWzpR8Sxq"#,
    "1OPThh_J6MUD8Z35wky9b8eEO0pwNS8xlh1lOFRRBoNqDIKVOku0aZb-ry",
    "nq8cxjDTLZQ6Fz7jSjR1Klop-YKaUHc9GsEofQqYruPhzSA-QgajZGPbE_",
    "0ZaVDJHfyd7UUBUKunFMScbflYAAOYJqVIVwaYR5zWEEceUjNnTNo_CVSj",
    "-VvXLO5VZfCUAVLgW4dpf1SrtZjSt34YLsRarSb127reG_DUwg9Ch-Kyvj",
    r#"T1SkHgUWRVGcyly7uvVGRSDwsXypdrNinPA4jlhoNdizK2zF2CWQ","#,
    r#""p":"9gY2w6I6S6L0juEKsbeDAwpd9WMfgqFoeA9vEyEUuk4kLwBKcoe1x4HG68"#,
    "ik918hdDSE9vDQSccA3xXHOAFOPJ8R9EeIAbTi1VwBYnbTp87X-xcPWlEP",
    r#"krdoUKW60tgs1aNd_Nnc9LEVVPMS390zbFxt8TN_biaBgelNgbC95sM","#,
    r#""q":"uKlCKvKv_ZJMVcdIs5vVSU_6cPtYI1ljWytExV_skstvRSNi9r66jdd9-y"#,
    "BhVfuG4shsp2j7rGnIio901RBeHo6TPKWVVykPu1iYhQXw1jIABfw-MVsN",
    r#"-3bQ76WLdt2SDxsHs7q7zPyUyHXmps7ycZ5c72wGkUwNOjYelmkiNS0","#,
    r#""dp":"w0kZbV63cVRvVX6yk3C8cMxo2qCM4Y8nsq1lmMSYhG4EcL6FWbX5h9yuv"#,
    "ngs4iLEFk6eALoUS4vIWEwcL4txw9LsWH_zKI-hwoReoP77cOdSL4AVcra",
    r#"Hawlkpyd2TWjE5evgbhWtOxnZee3cXJBkAi64Ik6jZxbvk-RR3pEhnCs","#,
    r#""dq":"o_8V14SezckO6CNLKs_btPdFiO9_kC1DsuUTd2LAfIIVeMZ7jn1Gus_Ff"#,
    "7B7IVx3p5KuBGOVF8L-qifLb6nQnLysgHDh132NDioZkhH7mI7hPG-PYE_",
    r#"odApKdnqECHWw0J-F0JWnUd6D2B_1TvF9mXA2Qx-iGYn8OVV1Bsmp6qU","#,
    r#""qi":"eNho5yRBEBxhGBtQRww9QirZsB66TrfFReG_CcteI1aCneT0ELGhYlRlC"#,
    "tUkTRclIfuEPmNsNDPbLoLqqCVznFbvdB7x-Tl-m0l_eFTj2KiqwGqE9PZ",
    r#"B9nNTwMVvH3VRRSLWACvPnSiwP8N5Usy-WRXS-V7TbpxIhvepTfE0NNo"}"#,
);

/// RFC 7516 A.2.3: the RSA1_5 encrypted key (shared by A.4's first
/// recipient).
const A2_ENCRYPTED_KEY: &str = concat!(
    "UGhIOguC7IuEvf_NPVaXsGMoLOmwvc1GyqlIKOK1nN94nHPoltGRhWhw7Zx0-kFm",
    "1NJn8LE9XShH59_i8J0PH5ZZyNfGy2xGdULU7sHNF6Gp2vPLgNZ__deLKxGHZ7Pc",
    "HALUzoOegEI-8E66jX2E4zyJKx-YxzZIItRzC5hlRirb6Y5Cl_p-ko3YvkkysZIF",
    "NPccxRU7qve1WYPxqbb2Yw8kZqa2rMWI5ng8OtvzlV7elprCbuPhcCdZ6XDP0_F8",
    "rkXds2vE4X-ncOIM8hAYHHi29NX0mcKiRaD0-D-ljQTP-cFPgwCp6X-nZZd9OHBv",
    "-B3oWh2TbqmScqXMR4gp_A",
);

/// RFC 7516 A.2.7: `{"alg":"RSA1_5","enc":"A128CBC-HS256"}`.
fn a2_token() -> String {
    format!(
        "eyJhbGciOiJSU0ExXzUiLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.{A2_ENCRYPTED_KEY}.\
         AxY8DCtDaGlsbGljb3RoZQ.KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.\
         9hH0vgRfYgPnAHOd8stkvw"
    )
}

/// RFC 7516 A.3.3: the AES key wrap key.
const A3_KEY: &str = r#"{"kty":"oct","k":"GawgguFyGrWKav7AX4VKUg"}"#;

/// RFC 7516 A.3.2 (and A.2.2): the CEK.
const A3_CEK: [u8; 32] = [
    4, 211, 31, 197, 84, 157, 252, 254, 11, 100, 157, 250, 63, 170, 106, 206, 107, 124, 212, 45,
    111, 107, 9, 219, 200, 177, 0, 240, 143, 156, 44, 207,
];

/// RFC 7516 A.3.4: the IV.
const A3_IV: [u8; 16] = [
    3, 22, 60, 12, 43, 67, 104, 105, 108, 108, 105, 99, 111, 116, 104, 101,
];

/// RFC 7516 A.3.7: `{"alg":"A128KW","enc":"A128CBC-HS256"}`.
const A3_TOKEN: &str = concat!(
    "eyJhbGciOiJBMTI4S1ciLCJlbmMiOiJBMTI4Q0JDLUhTMjU2In0.",
    "6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ.",
    "AxY8DCtDaGlsbGljb3RoZQ.",
    "KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY.",
    "U0m_YmjN04DJvceFICbCVQ",
);

/// RFC 7516 A.4.7: general JSON, two recipients (A.2's key with RSA1_5,
/// kid "2011-04-29"; A.3's key with A128KW, kid "7"), `jku` shared.
fn a4_json() -> Value {
    json!({
        "protected": "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0",
        "unprotected": {"jku": "https://server.example.com/keys.jwks"},
        "recipients": [
            {"header": {"alg": "RSA1_5", "kid": "2011-04-29"}, "encrypted_key": A2_ENCRYPTED_KEY},
            {"header": {"alg": "A128KW", "kid": "7"},
             "encrypted_key": "6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ"}
        ],
        "iv": "AxY8DCtDaGlsbGljb3RoZQ",
        "ciphertext": "KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY",
        "tag": "Mz-VPPyU4RlcuYv1IwIvzw"
    })
}

fn jwk(s: &str) -> Jwk {
    Jwk::from_json(s.as_bytes(), &Default::default()).unwrap()
}

fn km(name: &str) -> KeyManagement {
    KeyManagement::from_name(name).unwrap()
}

fn tamper_last_segment(token: &str) -> String {
    let (head, tag) = token.rsplit_once('.').unwrap();
    let mut t = unb64u(tag);
    t[0] ^= 1;
    format!("{head}.{}", b64u(t))
}

/// A.1: RSA-OAEP + A256GCM. Decrypts; a tampered tag does not.
#[test]
fn rfc7516_a1_rsa_oaep_a256gcm() {
    let dk = DecryptionKey::from_jwk(&jwk(A1_KEY), km("RSA-OAEP")).unwrap();
    let opts = DecryptOptions::new();
    let d = jwe::compact::decrypt(A1_TOKEN, &dk, &opts).unwrap();
    assert_eq!(d.plaintext, A1_PLAINTEXT.as_bytes());
    assert_eq!(d.header.enc, ContentEncryption::A256Gcm);
    assert_eq!(
        jwe::compact::decrypt(&tamper_last_segment(A1_TOKEN), &dk, &opts),
        Err(Error::DecryptionFailed)
    );
}

/// A.2: RSA1_5 + A128CBC-HS256: refused by default, decrypts when enabled.
#[test]
fn rfc7516_a2_rsa1_5_a128cbc_hs256() {
    let alg = km("RSA1_5");
    let dk = DecryptionKey::from_jwk(&jwk(A2_KEY), alg).unwrap();
    let token = a2_token();
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &DecryptOptions::new()),
        Err(Error::AlgorithmNotAllowed("RSA1_5".into()))
    );
    let opts = DecryptOptions::new().allow(alg);
    assert_eq!(
        jwe::compact::decrypt(&token, &dk, &opts).unwrap().plaintext,
        LIVE_LONG.as_bytes()
    );
    assert_eq!(
        jwe::compact::decrypt(&tamper_last_segment(&token), &dk, &opts),
        Err(Error::DecryptionFailed)
    );
}

/// A.3: A128KW + A128CBC-HS256: decrypts, and is reproduced byte for byte
/// from the RFC's CEK and IV (AES key wrap is deterministic).
#[test]
fn rfc7516_a3_a128kw_a128cbc_hs256() {
    let key = jwk(A3_KEY);
    let alg = km("A128KW");
    let dk = DecryptionKey::from_jwk(&key, alg).unwrap();
    assert_eq!(
        jwe::compact::decrypt(A3_TOKEN, &dk, &DecryptOptions::new())
            .unwrap()
            .plaintext,
        LIVE_LONG.as_bytes()
    );
    let mut o = EncryptOptions::new(ContentEncryption::A128CbcHs256);
    o.fixed = Some(FixedContent {
        cek: A3_CEK.to_vec(),
        iv: A3_IV.to_vec(),
    });
    let ek = EncryptionKey::from_jwk(&key, alg).unwrap();
    assert_eq!(
        jwe::compact::encrypt(LIVE_LONG.as_bytes(), &ek, &o).unwrap(),
        A3_TOKEN
    );
}

/// A.4: general JSON with two recipients; each key decrypts its own
/// recipient. A.5: the flattened form of A.4's second recipient.
#[test]
fn rfc7516_a4_a5_json() {
    let doc = a4_json().to_string();
    let rsa = DecryptionKey::from_jwk(&jwk(A2_KEY), km("RSA1_5"))
        .unwrap()
        .with_kid("2011-04-29");
    let kw = DecryptionKey::from_jwk(&jwk(A3_KEY), km("A128KW"))
        .unwrap()
        .with_kid("7");
    let opts = DecryptOptions::new().allow(km("RSA1_5"));
    for (i, key) in [&rsa, &kw].into_iter().enumerate() {
        let d = jwe::json::decrypt(&doc, key, &opts).unwrap();
        assert_eq!(d.plaintext, LIVE_LONG.as_bytes());
        assert_eq!(d.recipient_index, i);
        assert_eq!(
            d.header.get_str("jku"),
            Some("https://server.example.com/keys.jwks")
        );
    }
    // Both keys in one set: selected by kid, the first recipient wins.
    let both = vec![rsa.clone(), kw.clone()];
    assert_eq!(
        jwe::json::decrypt(&doc, &both, &opts)
            .unwrap()
            .recipient_index,
        0
    );

    // A.4 is reproduced with A.3's CEK and IV, except the randomized RSA1_5
    // encrypted key.
    let rsa_ek = EncryptionKey::from_jwk(&jwk(A2_KEY), km("RSA1_5")).unwrap();
    let kw_ek = EncryptionKey::from_jwk(&jwk(A3_KEY), km("A128KW")).unwrap();
    let header = |alg: &str, kid: &str| {
        Some(serde_json::Map::from_iter([
            ("alg".to_string(), json!(alg)),
            ("kid".to_string(), json!(kid)),
        ]))
    };
    let recipients = [
        Recipient {
            key: &rsa_ek,
            header: header("RSA1_5", "2011-04-29"),
            fixed: FixedKeyManagement::default(),
        },
        Recipient {
            key: &kw_ek,
            header: header("A128KW", "7"),
            fixed: FixedKeyManagement::default(),
        },
    ];
    let mut o = EncryptOptions::new(ContentEncryption::A128CbcHs256);
    o.unprotected = a4_json()["unprotected"].as_object().cloned();
    o.fixed = Some(FixedContent {
        cek: A3_CEK.to_vec(),
        iv: A3_IV.to_vec(),
    });
    let ours = jwe::json::encrypt_general(LIVE_LONG.as_bytes(), &recipients, &o).unwrap();
    let mut ours: Value = serde_json::from_str(&ours).unwrap();
    let mut expected = a4_json();
    for v in [&mut ours, &mut expected] {
        v["recipients"][0]["encrypted_key"] = json!("(randomized)");
    }
    assert_eq!(ours, expected);
    assert_eq!(ours["protected"], expected["protected"]);

    // A.5: flattened.
    let flat = json!({
        "protected": "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2In0",
        "unprotected": {"jku": "https://server.example.com/keys.jwks"},
        "header": {"alg": "A128KW", "kid": "7"},
        "encrypted_key": "6KB707dM9YTIgHtLvtgWQ8mKwboJW3of9locizkDTHzBC2IlrT1oOQ",
        "iv": "AxY8DCtDaGlsbGljb3RoZQ",
        "ciphertext": "KDlTtXchhZTGufMYmOYGS4HffxPSUrfmqCHXaI9wOGY",
        "tag": "Mz-VPPyU4RlcuYv1IwIvzw"
    });
    assert_eq!(
        jwe::json::decrypt(&flat.to_string(), &kw, &opts)
            .unwrap()
            .plaintext,
        LIVE_LONG.as_bytes()
    );
}

/// RFC 7518 Appendix C end to end: encrypting to Bob's P-256 key with
/// Alice's key as the ephemeral key and apu "Alice", apv "Bob" makes Jot
/// use the RFC's derived key `VqqN6vgjbSBcIijNcacQGg` as the A128GCM CEK
/// (the content opens with that key directly), and Bob's key decrypts.
#[test]
fn rfc7518_appendix_c_ecdh_es_end_to_end() {
    let bob = jwk(concat!(
        r#"{"kty":"EC","crv":"P-256","x":"weNJy2HscCSM6AEDTDg04biOvhFhyyWvOHQfeF_PxMQ","#,
        r#""y":"e8lnCO-AlStT-NJVX-crhB7QRYhiix03illJOVAOyck","#,
        r#""d":"VEmDZpDXXK8p8N0Cndsxs924q6nS1RXFASRl6BfUqdw"}"#
    ));
    let alg = km("ECDH-ES");
    let ek = EncryptionKey::from_jwk(&bob.to_public().unwrap(), alg).unwrap();
    let mut o = EncryptOptions::new(ContentEncryption::A128Gcm);
    o.protected.insert("apu".into(), json!(b64u("Alice")));
    o.protected.insert("apv".into(), json!(b64u("Bob")));
    let r = Recipient {
        key: &ek,
        header: None,
        fixed: FixedKeyManagement {
            ephemeral_d: Some(unb64u("0_NxaRPUMQoAJt50Gz8YiTr8gRTwyEaCumd-MToTmIo")),
            ..FixedKeyManagement::default()
        },
    };
    let token = jwe::compact::encrypt_to(b"Appendix C", &r, &o).unwrap();
    let parts: Vec<&str> = token.split('.').collect();
    let header: Value = serde_json::from_slice(&unb64u(parts[0])).unwrap();
    assert_eq!(
        header["epk"],
        json!({"kty":"EC","crv":"P-256",
               "x":"gI0GAILBdu7T53akrFmMyGcsF3n5dO7MmwNBHKW5SV0",
               "y":"SLW_xSffzlPWrHEVI30DHM_4egVwt3NQqeUD7nMFpps"})
    );
    let opened = ContentEncryption::A128Gcm
        .decrypt(
            &unb64u("VqqN6vgjbSBcIijNcacQGg"),
            &unb64u(parts[2]),
            parts[0].as_bytes(),
            &unb64u(parts[3]),
            &unb64u(parts[4]),
        )
        .unwrap();
    assert_eq!(opened, b"Appendix C");
    let dk = DecryptionKey::from_jwk(&bob, alg).unwrap();
    let d = jwe::compact::decrypt(&token, &dk, &DecryptOptions::new()).unwrap();
    assert_eq!(d.plaintext, b"Appendix C");
}
