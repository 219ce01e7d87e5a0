//! Reporters: findings (plain data) rendered for people and machines. Nothing
//! here decides what is wrong; it only shows it.

pub mod github;
pub mod httpd;
pub mod human;
pub mod json;
pub mod plan;
pub mod sarif;
pub mod short;
