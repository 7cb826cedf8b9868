//! Invariants of the synthetic province and its people.

use std::collections::{HashMap, HashSet};

use hoso_demo::{DemoPerson, PersonGenerator, province_tree};
use hoso_domain::org::{OrgUnitKind, PersonStatus};
use hoso_domain::salary::{SalaryTables, salary_group_of};
use serde_json::Value;
use time::macros::date;

const TODAY: time::Date = date!(2026 - 05 - 20);

fn str_of<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

#[test]
fn tree_is_well_formed_at_several_scales() {
    for scale in [1_000, 50_000, 2_500_000] {
        let units = province_tree(scale);
        assert_eq!(units[0].kind, OrgUnitKind::Province);
        assert_eq!(units[0].parent, None);
        let mut codes = HashSet::new();
        for (i, u) in units.iter().enumerate() {
            assert_eq!(u.key, i);
            assert!(codes.insert(u.code.as_str()), "duplicate code {}", u.code);
            if i > 0 {
                let p = u.parent.expect("only the root has no parent");
                assert!(p < i, "parent after child");
                assert!(
                    units[p].kind.may_contain(u.kind),
                    "{} under {}",
                    u.name,
                    units[p].name
                );
            }
        }
        let communes = units
            .iter()
            .filter(|u| u.kind == OrgUnitKind::Commune)
            .count();
        let names: HashSet<_> = units
            .iter()
            .filter(|u| u.kind == OrgUnitKind::Commune)
            .map(|u| &u.name)
            .collect();
        assert_eq!(names.len(), communes, "commune names are unique");
        let leaves = leaves(&units).len();
        let per_leaf = scale as f64 / leaves as f64;
        eprintln!(
            "scale {scale}: {} units, {communes} communes, {leaves} leaves, ≈{per_leaf:.0} people per leaf",
            units.len()
        );
        if scale == 50_000 {
            assert!((15.0..=70.0).contains(&per_leaf), "{per_leaf}");
            assert!((80..=130).contains(&communes));
        }
    }
}

fn leaves(units: &[hoso_demo::DemoUnit]) -> HashSet<usize> {
    let parents: HashSet<usize> = units.iter().filter_map(|u| u.parent).collect();
    units
        .iter()
        .filter(|u| !parents.contains(&u.key))
        .map(|u| u.key)
        .collect()
}

fn check_rows_ordered(p: &DemoPerson, section: &str) {
    if let Some(Value::Array(rows)) = p.doc.get(section) {
        for r in rows {
            let from = str_of(r, "from").unwrap_or_else(|| panic!("{section} row without from"));
            if let Some(to) = str_of(r, "to") {
                assert!(from <= to, "{section}: {from} > {to} in {}", p.national_id);
            }
            assert!(from <= "2026-05", "{section}: {from} in the future");
        }
    }
}

#[test]
fn twenty_thousand_people_keep_their_invariants() {
    let units = province_tree(50_000);
    let leaf = leaves(&units);
    let tables = SalaryTables::embedded();
    let mut g = PersonGenerator::new(7, &units, TODAY);
    let mut ids = HashSet::new();
    let mut surnames: HashMap<String, usize> = HashMap::new();
    let mut statuses: HashMap<PersonStatus, usize> = HashMap::new();
    let mut women = 0;
    let n = 20_000;
    for _ in 0..n {
        let p = g.next_person();
        assert!(
            p.unit_key > 0 && leaf.contains(&p.unit_key),
            "people sit in leaf units"
        );
        assert!(
            ids.insert(p.national_id.clone()),
            "duplicate id {}",
            p.national_id
        );
        *statuses.entry(p.status).or_default() += 1;
        *surnames
            .entry(p.full_name.split(' ').next().unwrap().to_string())
            .or_default() += 1;

        let general = &p.doc["general"];
        let id = &p.national_id;
        assert_eq!(id.len(), 12);
        assert!(id.bytes().all(|b| b.is_ascii_digit()));
        assert_eq!(str_of(general, "citizen_id_number"), Some(id.as_str()));
        assert_eq!(
            str_of(general, "birth_full_name"),
            Some(p.full_name.as_str())
        );
        let dob = str_of(general, "date_of_birth").unwrap();
        let year: i32 = dob[..4].parse().unwrap();
        assert!((1966..=2004).contains(&year), "{dob}");
        let female = str_of(general, "gender") == Some("nu");
        women += female as usize;
        let digit = id.as_bytes()[3] - b'0';
        let expected = match (year >= 2000, female) {
            (false, false) => 0,
            (false, true) => 1,
            (true, false) => 2,
            (true, true) => 3,
        };
        assert_eq!(digit, expected, "{id} {dob} female={female}");
        assert_eq!(&id[4..6], &dob[2..4]);
        assert!(id.starts_with('0'));

        // Recruited as an adult, nothing in the future.
        let rec = &p.doc["recruitment"];
        let first = str_of(rec, "first_recruitment_date").unwrap();
        let join = str_of(rec, "current_agency_join_date").unwrap();
        let r_year: i32 = first[..4].parse().unwrap();
        assert!(
            r_year - year >= 18,
            "recruited at {} ({dob}, {first})",
            r_year - year
        );
        assert!(
            first > dob && first <= join && join <= "2026-05-20",
            "{dob} {first} {join}"
        );

        // Salary matches the tables.
        let category = str_of(&p.doc["identity"], "personnel_category").unwrap();
        if category == "contract_worker" {
            assert!(p.doc.contains_key("contract"));
        } else {
            let sal = &p.doc["salary"];
            let code = str_of(sal, "rank_or_title_code").unwrap();
            let grp = salary_group_of(code).expect("grade with a salary group");
            let step = sal["salary_step"].as_u64().unwrap() as u32;
            let max = tables.max_step(grp.table, &grp.group).unwrap();
            assert!((1..=max).contains(&step));
            let c = tables.coefficient(grp.table, &grp.group, step).unwrap();
            let got = (sal["salary_coefficient"].as_f64().unwrap() * 100.0).round() as i64;
            assert_eq!(got, c, "{code} step {step}");
            assert!(str_of(sal, "salary_effective_date").unwrap() <= "2026-05-20");
            let hist = p.doc["salary_history"].as_array().unwrap();
            let mut prev = String::new();
            for row in hist {
                let code = str_of(row, "rank_or_title_code").unwrap();
                let grp = salary_group_of(code).unwrap();
                let st = row["salary_step"].as_u64().unwrap() as u32;
                let c = tables.coefficient(grp.table, &grp.group, st).unwrap();
                let got = (row["salary_coefficient"].as_f64().unwrap() * 100.0).round() as i64;
                assert_eq!(got, c);
                let from = str_of(row, "from").unwrap().to_string();
                assert!(from > prev, "salary rows in order");
                prev = from;
            }
            let last = hist.last().unwrap();
            assert_eq!(last["salary_step"], sal["salary_step"]);
            if p.status == PersonStatus::Working {
                assert!(last.get("to").is_none());
            }
            match category {
                "civil_servant" | "cadre" => assert!(!code.starts_with("V.")),
                _ => assert!(code.starts_with("V.")),
            }
        }
        for sec in [
            "salary_history",
            "work_history",
            "professional_trainings",
            "political_theory_trainings",
            "management_trainings",
            "it_trainings",
            "language_trainings",
            "defense_security_trainings",
        ] {
            check_rows_ordered(&p, sec);
        }
        let fam = p.doc["family_members"].as_array().unwrap();
        assert!((2..=5).contains(&fam.len()));
        for a in p
            .doc
            .get("annual_achievements")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            assert!(a["year"].as_i64().unwrap() < 2026);
        }
        if let Some(pol) = p.doc.get("political")
            && let (Some(a), Some(o)) = (
                str_of(pol, "party_admission_date"),
                str_of(pol, "party_official_date"),
            )
        {
            assert!(a < o && o <= "2026-05-20");
        }
        assert!(!p.doc.contains_key("employing_unit"));
        // Coherent training: a nurse studied nursing, a doctor medicine; a master's or a
        // doctorate comes from a university, not a college.
        let rank = p
            .doc
            .get("salary")
            .and_then(|s| str_of(s, "rank_or_title_code"))
            .unwrap_or("");
        let major = p
            .doc
            .get("qualifications")
            .and_then(|q| str_of(q, "highest_qualification_major"))
            .unwrap_or("");
        if rank.starts_with("V.08.05") {
            assert_eq!(major, "Điều dưỡng", "{rank}");
        }
        if rank.starts_with("V.08.01") {
            assert_eq!(major, "Y đa khoa", "{rank}");
        }
        for t in p
            .doc
            .get("professional_trainings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if t["training_mode"] == "Vừa làm vừa học" {
                let school = t["institution"].as_str().unwrap_or("");
                assert!(
                    !school.contains("Cao đẳng"),
                    "a postgraduate degree from {school}"
                );
            }
        }
    }
    let share = |k: &str| *surnames.get(k).unwrap_or(&0) as f64 / n as f64;
    assert!(
        (0.30..0.42).contains(&share("Nguyễn")),
        "{}",
        share("Nguyễn")
    );
    assert!((0.07..0.14).contains(&share("Trần")));
    let working = statuses[&PersonStatus::Working] as f64 / n as f64;
    assert!(working > 0.9 && working < 0.995, "{working}");
    assert!(statuses.get(&PersonStatus::Retired).copied().unwrap_or(0) > 0);
    let w = women as f64 / n as f64;
    assert!((0.5..0.8).contains(&w), "{w}");
}

#[test]
fn deterministic_and_ids_unique_at_scale() {
    let units = province_tree(2_500);
    let mut a = PersonGenerator::new(1, &units, TODAY);
    let mut b = PersonGenerator::new(1, &units, TODAY);
    for _ in 0..200 {
        assert_eq!(a.next_person(), b.next_person());
    }
    // Ids stay unique far beyond one province.
    let mut g = PersonGenerator::new(99, &units, TODAY);
    let mut ids = HashSet::with_capacity(200_000);
    for _ in 0..200_000 {
        assert!(ids.insert(g.next_person().national_id));
    }
}

#[test]
fn generated_records_pass_the_schema() {
    use hoso_domain::catalog::Catalogs;
    use hoso_domain::schema::SchemaSet;
    let catalogs = Catalogs::embedded();
    let schema = SchemaSet::embedded().latest();
    let units = province_tree(50_000);
    let mut g = PersonGenerator::new(11, &units, TODAY);
    let mut failures: HashMap<String, (usize, String)> = HashMap::new();
    let n = 600;
    for _ in 0..n {
        let mut p = g.next_person();
        // What the application adds when it stores a demo person: the units (database ids)
        // and the photo attachment, which the generator cannot produce.
        let identity = p.doc.get_mut("identity").unwrap().as_object_mut().unwrap();
        identity.insert("employing_unit".into(), Value::from(p.unit_key as i64 + 1));
        identity.insert("managing_agency".into(), Value::from(1));
        identity.insert("photo".into(), Value::from("demo-photo"));
        if let Err(e) = schema.validate(&p.doc, &catalogs, TODAY) {
            for fe in e.iter() {
                let key = fe.path.split('[').next().unwrap().to_string()
                    + fe.path.split(']').nth(1).unwrap_or("");
                let entry = failures.entry(key).or_insert((0, fe.message.clone()));
                entry.0 += 1;
            }
        }
    }
    let mut report: Vec<_> = failures.into_iter().collect();
    report.sort();
    for (path, (count, msg)) in &report {
        eprintln!("{count:4} × {path}: {msg}");
    }
    assert!(
        report.is_empty(),
        "{} kinds of schema errors in {n} records",
        report.len()
    );
}
