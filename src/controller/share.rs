//! The browser side of a shared poll: joining the watchers of a batch, and the
//! messages they tell each other.
//!
//! The embedding shell does the joining (`join` in `static/batch-status.js`):
//! it names the batch's Web Lock and BroadcastChannel by a digest of
//! [`Settings::share_material`](crate::config::Settings::share_material),
//! holds the lock while this watcher leads, lets go of it and of the channel
//! when the watcher leaves or its instance crashes, and answers a new
//! follower with the leader's last answer. What a watcher does with its part
//! is the poller's ([`Role`]); this file only carries messages.
//!
//! The shell tells a number: 0 this watcher leads, 1 another does, 2 sharing
//! is impossible here; 3 is a follower asking the leader to poll now. The
//! leader's answers are arrays, `[next_at, status, n, text]`: when it polls
//! next (epoch ms), then either an HTTP status, the `Retry-After` moment and
//! the body, or no answer: status 0 (network), 1 (timeout after `n` ms), 2 (a
//! body of `n` bytes refused) or 3 (the body held a trace of the key, so it is
//! not told). The key is never in one. An answer is taken in when it is
//! heard: a follower that joins gets the leader's last one, at most an
//! interval old, which reads "Updated just now" on the leader's card too.

use super::fetch::Answer;
use super::Role;
use crate::model::PollError;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;

/// What the shell or another watcher told this one.
pub enum Told {
    /// This watcher's part: the shell's lock says whether it leads.
    Role(Role),
    /// A follower asks the leader to poll now.
    Refresh,
    /// The leader's answer, or why it has none, and when it polls next
    /// (epoch ms).
    Answer {
        /// The leader's next poll, or infinity.
        next_at: f64,
        /// The answer as fetched; `None` if the leader withheld it.
        answer: Option<Result<Answer, PollError>>,
    },
}

/// This watcher's membership of its batch's watchers. Dropping it leaves.
pub struct Share {
    send: Option<Function>,
    _hear: Closure<dyn FnMut(web_sys::Event)>,
}

impl Share {
    /// Joins the watchers of the batch named by `material` through the shell's
    /// `join`; `hear` is given what is told (read with [`read`]). The shell
    /// leaves for this watcher when `lifeline` (its instance's) is aborted.
    pub fn join(
        join: &Function,
        material: &str,
        lifeline: Option<web_sys::AbortSignal>,
        mut hear: impl FnMut(JsValue) + 'static,
    ) -> Self {
        // The document listeners' closure type (an event is any JS value to
        // wasm): one closure type less in the download.
        let hear = Closure::<dyn FnMut(web_sys::Event)>::new(move |told: web_sys::Event| {
            hear(told.into())
        });
        let send = join
            .call3(
                &JsValue::NULL,
                &JsValue::from_str(material),
                hear.as_ref(),
                &JsValue::from(lifeline),
            )
            .ok()
            .map(JsCast::unchecked_into);
        Share { send, _hear: hear }
    }

    /// Tells the other watchers `message`.
    pub fn post(&self, message: &JsValue) {
        if let Some(send) = &self.send {
            let _ = send.call1(&JsValue::NULL, message);
        }
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        self.post(&JsValue::NULL);
    }
}

/// The message that tells `answer`, with the leader's next poll; `text` is
/// its body as it may be told (`None`: withheld).
pub fn tell(next_at: f64, answer: &Result<Answer, PollError>, text: Option<JsValue>) -> JsValue {
    let (status, n) = match answer {
        Ok(answer) if text.is_some() => (answer.status.into(), answer.retry_at.unwrap_or(f64::NAN)),
        Ok(_) => (3.0, 0.0),
        Err(PollError::Timeout { after_ms }) => (1.0, *after_ms),
        Err(PollError::TooLarge { bytes }) => (2.0, *bytes as f64),
        Err(_) => (0.0, 0.0),
    };
    Array::of4(
        &next_at.into(),
        &status.into(),
        &n.into(),
        &text.unwrap_or_default(),
    )
    .into()
}

/// Reads what was told (see the module's notes). Anything else, from a
/// watcher of another version, is `None`.
pub fn read(told: &JsValue) -> Option<Told> {
    if let Some(number) = told.as_f64() {
        return Some(match number as u8 {
            0 => Told::Role(Role::Leader),
            1 => Told::Role(Role::Follower),
            2 => Told::Role(Role::Solo),
            3 => Told::Refresh,
            _ => return None,
        });
    }
    if !Array::is_array(told) {
        return None;
    }
    let message: &Array = told.unchecked_ref();
    let number = |at: u32| message.get(at).as_f64().unwrap_or(f64::NAN);
    let (status, n) = (number(1), number(2));
    let answer = match status as u16 {
        0 => Some(Err(PollError::Network)),
        1 => Some(Err(PollError::Timeout {
            after_ms: n.max(0.0),
        })),
        2 => Some(Err(PollError::TooLarge { bytes: n as usize })),
        3 => None,
        status => Some(Ok(Answer {
            status,
            retry_at: Some(n).filter(|n| !n.is_nan()),
            text: message.get(3),
        })),
    };
    Some(Told::Answer {
        next_at: number(0),
        answer,
    })
}
