//! Group commit for lead submissions on SQLite. SQLite takes one writer at a
//! time and every commit waits for the disk (`synchronous=FULL`), so one
//! thread takes the submissions waiting at that moment and commits them as one
//! transaction, each in a savepoint of its own: one disk sync for the group,
//! and one failing submission does not undo the others. Each caller hears back
//! only after the group's commit, so "thank you" still means "on disk".

use std::sync::mpsc;

use anyhow::anyhow;
use diesel::Connection;

use super::{DbConnection, Pool, write_transaction};

/// Reports a job's outcome to its caller, once the group has committed.
type Reply = Box<dyn FnOnce() + Send>;
type Job = Box<dyn FnOnce(&mut DbConnection) -> Reply + Send>;

/// At most this many submissions share one commit.
const MAX_GROUP: usize = 64;

#[derive(Clone)]
pub struct GroupCommitter {
    jobs: mpsc::Sender<Job>,
}

impl GroupCommitter {
    pub fn start(pool: Pool) -> anyhow::Result<Self> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("sqlite-group-commit".into())
            .spawn(move || commit_groups(&pool, &queue))?;
        Ok(Self { jobs })
    }

    /// Runs `work` in the next group, answering once that group is on disk. A
    /// failed commit answers every caller of the group with an error.
    pub async fn run<T, F>(&self, work: F) -> anyhow::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&mut DbConnection) -> anyhow::Result<T> + Send + 'static,
    {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |conn| {
            // A savepoint: a failure here rolls back this job alone.
            let outcome = conn.transaction(work);
            Box::new(move || {
                let _ = answer.send(outcome);
            })
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow!("the database writer has stopped"))?;
        answered
            .await
            .map_err(|_| anyhow!("the group commit failed; nothing of this request was stored"))?
    }
}

/// The writer thread: ends when every sender is gone (the app stopped).
fn commit_groups(pool: &Pool, queue: &mpsc::Receiver<Job>) {
    while let Ok(first) = queue.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match queue.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let mut conn = match pool.get() {
            Ok(conn) => conn,
            Err(error) => {
                // Dropping the jobs answers their callers with an error.
                tracing::error!(error = %error, size = group.len(), "group commit: no database connection");
                continue;
            }
        };
        let committed = write_transaction(&mut conn, |conn| {
            Ok::<_, diesel::result::Error>(
                group.into_iter().map(|job| job(conn)).collect::<Vec<_>>(),
            )
        });
        match committed {
            Ok(replies) => replies.into_iter().for_each(|reply| reply()),
            Err(error) => {
                tracing::error!(error = %error, "group commit failed; its requests were told")
            }
        }
    }
}
