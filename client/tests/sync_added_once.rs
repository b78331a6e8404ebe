//! Property: no transaction is reported added twice, across killed and resumed syncs.

mod model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn nothing_is_added_twice(
        initial in proptest::collection::vec(model::event(), 0..30),
        steps in proptest::collection::vec(model::step(), 0..60),
        options in model::options(),
    ) {
        let (_, service) = model::run(&initial, &steps, &options);
        prop_assert!(model::repeated(&service.record.added).is_empty(),
            "added twice: {:?}", model::repeated(&service.record.added));
    }
}
