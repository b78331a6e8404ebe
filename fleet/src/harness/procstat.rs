//! What a process or a group of threads cost, from Linux's `/proc`: CPU time
//! (`utime` + `stime` of `/proc/PID/stat`, in clock ticks of 1/100 s, Linux's
//! `USER_HZ` on every architecture it exports to user space) and peak resident memory
//! (`VmHWM` of `/proc/PID/status`). Anything unreadable counts as zero. And what the
//! service's database takes on disk.

use std::path::Path;

/// Clock ticks per second in `/proc/*/stat` (`USER_HZ`).
const TICKS_PER_SECOND: f64 = 100.0;

/// The CPU seconds (user + system) in a `stat` line, and the thread's name.
fn parse_stat(line: &str) -> Option<(String, f64)> {
    // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so split at the
    // last `)`.
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    let comm = line.get(open + 1..close)?.to_owned();
    let fields: Vec<&str> = line.get(close + 1..)?.split_whitespace().collect();
    // After the comm: state is field 3 of stat(5), utime 14 and stime 15.
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((comm, (utime + stime) / TICKS_PER_SECOND))
}

/// The CPU seconds a process has used.
pub fn process_cpu_secs(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|line| parse_stat(&line))
        .map_or(0.0, |(_, secs)| secs)
}

/// The CPU seconds used by this process's live threads whose name starts with `prefix`.
pub fn threads_cpu_secs(prefix: &str) -> f64 {
    let Ok(tasks) = std::fs::read_dir(Path::new("/proc/self/task")) else {
        return 0.0;
    };
    tasks
        .filter_map(Result::ok)
        .filter_map(|task| std::fs::read_to_string(task.path().join("stat")).ok())
        .filter_map(|line| parse_stat(&line))
        .filter(|(comm, _)| comm.starts_with(prefix))
        .map(|(_, secs)| secs)
        .sum()
}

/// A process's peak resident memory, KiB.
pub fn max_rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                line.strip_prefix("VmHWM:")
                    .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            })
        })
        .unwrap_or(0)
}

/// The database's bytes: a SQLite file with its write-ahead log and shared memory, or
/// PostgreSQL's `pg_database_size` through `psql` (`None` when it cannot be asked).
pub fn database_bytes(database: &str) -> Option<u64> {
    if database.starts_with("postgres://") || database.starts_with("postgresql://") {
        let output = std::process::Command::new("psql")
            .args([
                database,
                "-Atc",
                "select pg_database_size(current_database())",
            ])
            .output()
            .ok()?;
        return String::from_utf8_lossy(&output.stdout).trim().parse().ok();
    }
    let path = database.strip_prefix("sqlite://")?;
    let path = path.split('?').next().unwrap_or(path);
    let size =
        |suffix: &str| std::fs::metadata(format!("{path}{suffix}")).map_or(0, |meta| meta.len());
    Some(size("") + size("-wal") + size("-shm"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_lines_give_the_name_and_cpu_seconds() {
        let line = "42 (mx (odd) name) S 1 42 42 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 1 0";
        assert_eq!(parse_stat(line), Some(("mx (odd) name".to_owned(), 3.0)));
        assert_eq!(parse_stat("garbage"), None);
    }

    #[test]
    fn this_process_has_a_peak_and_cpu_time() {
        assert!(max_rss_kib(std::process::id()) > 0);
        assert!(process_cpu_secs(std::process::id()) >= 0.0);
    }
}
