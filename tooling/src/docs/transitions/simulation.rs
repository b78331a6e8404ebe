//! Section 7 of `transitions.md`: how the simulation runs the engine against a simulated MX
//! and end user, what its tests check, and its figures.

use std::fmt::Write as _;

use mx_aggregation::{HumanDuration, MX_MIN_POLL_INTERVAL};

use crate::simulation::{
    self, ABSENT_USER_RECHECK, AbsentUserFigures, AlwaysFailingFigures, CooperativeFigures,
    Figures, ImplausibleStartFigures, MX_COOLDOWN, SEEDS_PER_START, Summary,
};

pub(super) fn simulation_figures(out: &mut String, figures: &Figures) {
    let _ = write!(
        out,
        "## 7. Simulation\n\n\
         `cargo test` runs the engine against a simulated MX (`src/simulation/`): a service \
         reads the member, calls `decide` and does what it says; the simulated MX moves the \
         member along the lifecycle model, a seeded generator choosing among the edges it may \
         take; time advances only by what the decisions say (a poll's `after_secs`, a wait's \
         `until`). The simulated MX keeps `is_being_aggregated`, `aggregated_at` and \
         `successfully_aggregated_at` as MX does and enforces its rules: one job at a time, and \
         no aggregation within {cooldown} of a success (such a call starts nothing). Its jobs \
         move every 5 s to 3 min (a `DELAYED` job after 1 to 6 h, a `RESUMED` one after 5 to \
         60 s); a challenge expires after 2 to 10 min; background aggregation comes 24 h after \
         the last job; closures and migrations come at random, weeks apart. These durations are \
         inferred: MX documents none of them.\n\n\
         The end user is *cooperative* (answers MFA, enters credentials, fixes things at the \
         institution and stays for an aggregation, at once) or *absent* (never does; the \
         service then reads the member again after {recheck}). After a call that changes the \
         member, the service reads it again {floor} later. When the engine says \
         `resolve_at_institution` inside MX's cooldown, the service holds the aggregation that \
         must follow until the cooldown ends.\n\n\
         Every run starts from one of {starts} members (every status and `null` × \
         `is_being_aggregated` × `needs_updated_credentials` × \
         `background_aggregation_is_disabled` × the matrix's time buckets) with {seeds} seeds \
         each here, more in the tests. {plausible} of them are members MX could report; the \
         other {implausible} have a timestamp in the future or a running job with no \
         `aggregated_at`, and are reported apart.\n\n\
         ### What the tests check\n\n\
         - Whatever MX does and whoever the end user is: no aggregation is requested while a job \
         runs or within {cooldown} of a success; every poll waits at least {floor}; time moves \
         forward at every poll and wait; no run loops; at most {floor_bound} calls to MX in any \
         24 h (one read and one write per {floor}).\n\
         - Cooperative end user, an MX that lets a job succeed after {moves} job moves: every \
         run reaches `read_data` or `stop`, within {coop_bound} decisions from a start MX could \
         report (a job polled with the backoff for six hours takes about 120 reads; a few jobs, \
         a day of hourly looks at an idle `DELAYED` member and one decision per action stay \
         well below), and {implausible_bound} from the others (a six-hour job polled every \
         {floor}).\n\
         - Absent end user, random MX: no call that changes the member, ever; every run ends \
         asking for the end user, waiting, reading data, stopping, or polling a job MX runs by \
         itself; at most {absent_bound} calls to MX in any 24 h from a start MX could report \
         (24 hourly reads, plus the polls of MX's own jobs).\n\n\
         ### Figures\n\n\
         | scenario | runs | figure | median | p95 | max |\n|---|---|---|---|---|---|\n",
        cooldown = HumanDuration(MX_COOLDOWN.to_std().unwrap_or_default()),
        recheck = HumanDuration(ABSENT_USER_RECHECK.to_std().unwrap_or_default()),
        floor = HumanDuration(MX_MIN_POLL_INTERVAL),
        starts = figures.plausible_starts + figures.implausible_starts,
        seeds = SEEDS_PER_START,
        plausible = figures.plausible_starts,
        implausible = figures.implausible_starts,
        floor_bound = simulation::MAX_CALLS_PER_DAY,
        moves = CooperativeFigures::AFTER_MOVES,
        coop_bound = CooperativeFigures::MAX_STEPS,
        implausible_bound = ImplausibleStartFigures::MAX_STEPS,
        absent_bound = AbsentUserFigures::MAX_CALLS_PER_DAY,
    );
    let coop = &figures.cooperative;
    let cooperative = "cooperative end user, MX eventually succeeds";
    summary_row(
        out,
        cooperative,
        "decisions to `read_data` or `stop`",
        &coop.steps,
    );
    summary_row(out, cooperative, "calls to MX until then", &coop.calls);
    summary_row(
        out,
        cooperative,
        "simulated minutes until then",
        &coop.minutes,
    );
    let absent = &figures.absent_user;
    summary_row(
        out,
        "absent end user, random MX, 3 days",
        "calls to MX in the busiest 24 h",
        &absent.calls_per_day,
    );
    summary_row(
        out,
        "cooperative end user, MX eventually succeeds, implausible starts",
        "decisions to `read_data` or `stop`",
        &figures.implausible.cooperative_steps,
    );
    summary_row(
        out,
        "absent end user, random MX, implausible starts",
        "calls to MX in the busiest 24 h",
        &figures.implausible.absent_user_calls_per_day,
    );
    let failing = &figures.always_failing;
    let failing_name = "cooperative end user, MX always fails, 1 day";
    summary_row(
        out,
        failing_name,
        "calls to MX in the busiest 24 h",
        &failing.calls_per_day,
    );
    summary_row(
        out,
        failing_name,
        "`POST …/aggregate` in the busiest 24 h",
        &failing.aggregates_per_day,
    );
    let _ = write!(
        out,
        "\nCooperative end user: {read} runs read data, {stopped} stopped (MX closed, disabled \
         or dropped the member, or it has no credentials), {unfinished} did not finish; \
         {deferred} times the end user had fixed things at the institution inside MX's \
         cooldown, and the aggregation had to wait for its end.\n\n\
         Absent end user: {writes} calls changed the member; the runs ended asking for the end \
         user ({asking}), stopping ({stopped_absent}), reading data after MX's background \
         aggregation succeeded ({reading}), waiting ({waiting}) or polling a job MX ran by \
         itself ({polling}).\n\n\
         MX always failing: {failing_runs} runs from every status and `null`, no flag set, last \
         success two days ago, {failing_seeds} seeds each. With the end user present, the \
         engine asks for a new aggregation as soon as a failed job ends; only the jobs' own \
         durations pace them.\n",
        read = coop.read_data,
        stopped = coop.stopped,
        unfinished = coop.unfinished,
        deferred = coop.deferred_resolutions,
        writes = absent.writes,
        asking = absent.ends_asking_for_user,
        stopped_absent = absent.ends_stopped,
        reading = absent.ends_reading_data,
        waiting = absent.ends_waiting,
        polling = absent.ends_polling,
        failing_runs = failing.runs,
        failing_seeds = AlwaysFailingFigures::SEEDS,
    );
}

fn summary_row(out: &mut String, scenario: &str, figure: &str, summary: &Summary) {
    let _ = writeln!(
        out,
        "| {scenario} | {} | {figure} | {} | {} | {} |",
        summary.count, summary.median, summary.p95, summary.max
    );
}
