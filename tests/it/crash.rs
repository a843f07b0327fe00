//! The crash test: the real binary is killed with SIGKILL at random moments while it saves a
//! draft (`new --from … --force`), exports a PDF (`export --force`) or a CSV (`export-csv
//! --force`), many times. After every kill each file it writes, and every backup, must be a
//! complete old or new version, never a torn one; what a kill leaves behind (temporary files)
//! is removed by the next run once it is stale.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime};

use nianbao::model::Report;
use nianbao::store::{atomic, draft};

const KILLS: usize = 240;

/// Last year's draft, large enough (a few hundred KB of text) that a kill often lands in the
/// middle of a write.
fn last_year() -> Report {
    let mut r = Report::new("gb2021", 2024, "某某县商务局");
    r.set_cell("t3.new.np", "3");
    let line = "本机关坚持依法公开，持续推进政务公开标准化规范化建设。";
    r.sections.insert("s1".into(), vec![line; 1500].join("\n"));
    r.sections.insert("s2".into(), vec![line; 200].join("\n"));
    r
}

struct Job {
    name: &'static str,
    args: Vec<String>,
    output: PathBuf,
    /// The complete versions the output may hold (from uninterrupted runs).
    versions: Vec<Vec<u8>>,
    took: Duration,
}

fn run(args: &[String]) -> (bool, Duration) {
    let start = Instant::now();
    let o = Command::new(env!("CARGO_BIN_EXE_nianbao")).args(args).output().unwrap();
    (o.status.success(), start.elapsed())
}

fn jobs(dir: &Path, input: &Path) -> Vec<Job> {
    let i = input.to_str().unwrap().to_string();
    let out = |n: &str| dir.join(n);
    let mut jobs = Vec::new();
    let draft_out = out("本年.ron");
    let pdf = out("报告.pdf");
    let csv = out("表格.csv");
    let specs: Vec<(&str, Vec<Vec<String>>, PathBuf)> = vec![
        (
            "new",
            ["甲", "乙"]
                .iter()
                .map(|u| {
                    ["new", "--from", &i, "--unit", u, "--force", "-o", draft_out.to_str().unwrap()]
                        .map(String::from)
                        .to_vec()
                })
                .collect(),
            draft_out.clone(),
        ),
        ("export", vec![["export", &i, "--force", "-o", pdf.to_str().unwrap()].map(String::from).to_vec()], pdf),
        (
            "export-csv",
            vec![["export-csv", &i, "--force", "-o", csv.to_str().unwrap()].map(String::from).to_vec()],
            csv,
        ),
    ];
    for (name, variants, output) in specs {
        let mut versions = Vec::new();
        // The fastest of a few runs: a run slowed by a compile beside it must not make every
        // later delay so long that the runs finish before the kill.
        let mut took = Duration::MAX;
        for args in &variants {
            for _ in 0..3 {
                let (ok, t) = run(args);
                assert!(ok, "{name} runs");
                took = took.min(t);
            }
            versions.push(std::fs::read(&output).unwrap());
        }
        // Each variant is one job; the kill test alternates them.
        for args in variants {
            jobs.push(Job { name, args, output: output.clone(), versions: versions.clone(), took });
        }
    }
    jobs
}

#[test]
fn killing_saves_and_exports_at_random_moments_never_leaves_a_torn_file() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("上年.ron");
    draft::save(&input, &last_year()).unwrap();
    let input_bytes = std::fs::read(&input).unwrap();
    let jobs = jobs(dir.path(), &input);
    // A fixed-seed xorshift: random moments, the same run every time.
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut kills = 0;
    let mut killed_during_write = 0;
    let mut per_job = std::collections::BTreeMap::<&str, usize>::new();
    for k in 0..KILLS {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let job = &jobs[k % jobs.len()];
        // Anywhere in the run, a little past its usual end included.
        let delay = job.took.mul_f64((seed % 1000) as f64 / 800.0);
        let temps_before = temp_count(dir.path());
        let mut child = Command::new(env!("CARGO_BIN_EXE_nianbao"))
            .args(&job.args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL (it may have finished already)
        let status = child.wait().unwrap();
        if status.code().is_none() {
            kills += 1;
            *per_job.entry(job.name).or_default() += 1;
        }
        if temp_count(dir.path()) > temps_before {
            killed_during_write += 1;
        }
        // The output and its backups: complete versions only.
        let files: Vec<PathBuf> =
            std::iter::once(job.output.clone()).chain(atomic::backups(&job.output)).filter(|p| p.exists()).collect();
        for f in files {
            let bytes = std::fs::read(&f).unwrap();
            assert!(
                job.versions.contains(&bytes),
                "kill {k} ({}): {} is torn or unknown ({} bytes)",
                job.name,
                f.display(),
                bytes.len()
            );
        }
        assert_eq!(std::fs::read(&input).unwrap(), input_bytes, "the input is never touched");
        let lock_left = std::fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .any(|e| e.file_name().to_string_lossy().starts_with(".~lock"));
        if lock_left {
            // A lock file left by a kill must not block the next run (the system released it).
            assert!(
                nianbao::store::lock::DraftLock::acquire(&dir.path().join("本年.ron")).is_ok(),
                "kill {k}: stale lock blocks"
            );
        }
    }
    // Temporary files left by kills are removed by the next run once they are stale.
    let left = temp_files(dir.path());
    let old = SystemTime::now() - Duration::from_secs(3600);
    for t in &left {
        std::fs::File::options().write(true).open(t).unwrap().set_modified(old).unwrap();
    }
    for job in &jobs {
        assert!(run(&job.args).0);
    }
    assert!(temp_files(dir.path()).is_empty(), "stale temporary files cleaned: {:?}", temp_files(dir.path()));
    eprintln!(
        "kills: {kills} of {KILLS} runs (the rest had finished), by command {per_job:?}; kills that left a temporary file: {killed_during_write}; temporary files cleaned afterwards: {}",
        left.len()
    );
    assert!(kills >= KILLS / 2, "most runs were really killed: {kills}");
}

fn temp_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().ends_with(".tmp")))
        .collect()
}

fn temp_count(dir: &Path) -> usize {
    temp_files(dir).len()
}
