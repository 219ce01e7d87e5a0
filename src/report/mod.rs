//! Reporters: findings (plain data) rendered for people and machines. Nothing
//! here decides what is wrong; it only shows it.

pub mod human;
pub mod json;
pub mod short;
