//! The OpenAPI document as served, against the committed snapshot
//! (`tests/snapshots/openapi.json`): any change to the API's routes, parameters or types shows
//! up in review as a diff of that file. After an intended change, regenerate it with
//! `HOSO_UPDATE_SNAPSHOTS=1 cargo test -p hoso-web --test openapi`.

use std::path::PathBuf;

fn served_document() -> String {
    let (_, mut openapi) = hoso_web::api::router()
        .merge(hoso_web::api::uploads(1))
        .split_for_parts();
    hoso_web::api::document_error_contract(&mut openapi);
    let value = serde_json::to_value(&openapi).unwrap();
    serde_json::to_string_pretty(&value).unwrap() + "\n"
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/openapi.json");
    let now = served_document();
    if std::env::var("HOSO_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &now).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != now {
        let first = committed
            .lines()
            .zip(now.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(now.lines().count()));
        panic!(
            "the OpenAPI document changed (first difference at line {}):\n  snapshot: {}\n  now:      {}\n\
             If the change is intended, run HOSO_UPDATE_SNAPSHOTS=1 cargo test -p hoso-web --test openapi \
             and commit tests/snapshots/openapi.json.",
            first + 1,
            committed.lines().nth(first).unwrap_or("<end>"),
            now.lines().nth(first).unwrap_or("<end>"),
        );
    }
}

#[test]
fn the_document_describes_every_tag_it_uses() {
    let doc: serde_json::Value = serde_json::from_str(&served_document()).unwrap();
    let tags: Vec<&str> = doc["tags"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t["name"].as_str())
        .collect();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            for tag in op["tags"].as_array().into_iter().flatten() {
                let tag = tag.as_str().unwrap();
                assert!(
                    tags.contains(&tag),
                    "{method} {path}: tag {tag} is not declared"
                );
            }
        }
    }
}
