//! Property: `removed` holds exactly what disappeared at MX: never a transaction MX
//! still has, never the same one twice, and every transaction the copy ever held that
//! MX no longer has.

mod model;

use std::collections::BTreeSet;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn removed_is_exactly_what_disappeared(
        initial in proptest::collection::vec(model::event(), 0..30),
        steps in proptest::collection::vec(model::step(), 0..60),
        options in model::options(),
    ) {
        let (mx, service) = model::run(&initial, &steps, &options);
        let record = &service.record;
        prop_assert!(record.removed_alive.is_empty(), "removed while alive: {:?}", record.removed_alive);
        prop_assert!(model::repeated(&record.removed).is_empty());
        let removed: BTreeSet<&String> = record.removed.iter().collect();
        let gone: BTreeSet<&String> = record
            .added
            .iter()
            .filter(|guid| !mx.transactions.contains_key(*guid))
            .collect();
        prop_assert_eq!(removed, gone);
    }
}
