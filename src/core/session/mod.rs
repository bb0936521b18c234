//! The page as one state machine.
