//! Yew components: [`widget::Widget`] runs the polling loop, [`batch_view::batch_view`]
//! and its parts draw what it knows.

pub mod batch_view;
pub mod calls_table;
pub mod error_banner;
#[cfg(feature = "fault-injection")]
pub mod fault;
pub mod intl;
pub mod lifeline;
pub mod progress;
pub mod timing;
pub mod widget;

pub use batch_view::{batch_view, BatchViewProps, ExplorerControl, Polling};
pub use intl::Intl;
pub use widget::{Place, Widget, WidgetEvent, WidgetProps};
