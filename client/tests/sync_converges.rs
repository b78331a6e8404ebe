//! Property: whatever the history at MX, wherever syncs were killed and whatever the
//! overlap, the copy equals MX's transactions after a final sync.

mod model;

use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_copy_equals_mx_after_a_final_sync(
        initial in proptest::collection::vec(model::event(), 0..30),
        steps in proptest::collection::vec(model::step(), 0..60),
        options in model::options(),
    ) {
        let (mx, service) = model::run(&initial, &steps, &options);
        prop_assert_eq!(&service.store.transactions, &mx.truth());
    }
}
