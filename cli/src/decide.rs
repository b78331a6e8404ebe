//! `mx-aggregation decide [FILE|-]`: one member, one decision, as text or JSON.

use std::io::Write as _;

use mx_aggregation::batch::write_decision;
use mx_aggregation::{MemberJson, decide_with};

use crate::args::{DecideArgs, Format};
use crate::error::{CliError, Completion};
use crate::input::Input;

/// Reads the whole input as one member, decides, and prints the decision. Bad data prints
/// nothing on standard output.
pub(super) fn run(args: &DecideArgs) -> Result<Completion, CliError> {
    let mut input = Input::open(&args.input)?;
    if input.is_terminal() {
        // Someone typed `decide` without a file: say what it is waiting for.
        let _ = writeln!(
            std::io::stderr(),
            "mx-aggregation decide: waiting for one member's JSON on standard input; end it with Ctrl-D (or give a FILE)"
        );
    }
    let bytes = input.read_all()?;
    let bad_member = |error| CliError::BadMember {
        input: input.name.clone(),
        error,
    };
    let member = MemberJson::parse_bytes(&bytes).map_err(bad_member)?;
    let snapshot = member.snapshot().map_err(bad_member)?;
    let now = args.decision.now();
    let policy = args.decision.policy();
    let decision = decide_with(&snapshot, now, &policy, args.decision.end_user());

    let mut out = Vec::new();
    match args.format {
        Format::Json => write_decision(&mut out, member.guid(), &decision),
        Format::Text => {
            let explanation = decision
                .explain(&snapshot, now, &policy)
                .with_guid(member.guid())
                .with_user_message(member.user_message());
            // Writing into a Vec cannot fail.
            let _ = write!(out, "{explanation}");
        }
    }
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(&out)
        .and_then(|()| stdout.flush())
        .map_err(CliError::stdout)?;
    Ok(Completion::Done)
}
