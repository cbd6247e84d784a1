//! Domain types: what the service knows about, independent of HTTP and SQL.
//!
//! They serialise to the JSON the API serves: snake_case fields, exact
//! decimal values as JSON numbers, ISO-8601 dates, and both Chinese and
//! English names on every named thing.

pub mod catalogue;
pub mod evidence;
pub mod facts;
pub mod input;
pub mod number;
pub mod series;

pub use catalogue::{
    Indicator, NamedRef, Region, RegionDetail, Source, SourceSummary, Topic, Unit,
};
pub use evidence::Evidence;
pub use facts::{ComparisonBasis, Observation, Qualifier, Recognition, Reported, Target};
pub use series::{SeriesPoint, Transform};
