use anyhow::Context;
use clap::Parser;
use reportdesk::app::Application;
use reportdesk::cli::{BackupCommand, Cli, Command, GenerateCommand, MailCommand, ReportCommand};
use reportdesk::db::models::report::{ImportOutcome, ReportRow};
use reportdesk::domain::lead_kind::LeadKind;
use reportdesk::settings::Settings;
use reportdesk::{content, db, mail, telemetry};

fn main() -> std::process::ExitCode {
    limit_malloc_arenas();
    raise_open_files_limit();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log, settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let pool = db::connect(&settings.database_url, 1)?;
            db::run_migrations(&mut *pool.get()?)?;
            println!("migrations are up to date");
        }
        Command::Report(ReportCommand::Import { file }) => {
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            let samples = content::SampleContext::from_settings(&settings);
            let results = content::import_path(&mut conn, &file, &samples)?;
            let (mut created, mut updated, mut refused) = (0, 0, 0);
            for (path, result) in &results {
                match result {
                    Ok(done) => {
                        let verb = match done.outcome {
                            ImportOutcome::Created => {
                                created += 1;
                                "created"
                            }
                            ImportOutcome::Updated => {
                                updated += 1;
                                "updated"
                            }
                        };
                        println!("{verb} report {}", done.slug);
                        for warning in &done.warnings {
                            eprintln!("warning: {}: {warning}", path.display());
                        }
                    }
                    Err(error) => {
                        refused += 1;
                        eprintln!("refused {}: {error:#}", path.display());
                    }
                }
            }
            if results.len() > 1 {
                println!("{created} created, {updated} updated, {refused} refused");
            }
            anyhow::ensure!(refused == 0, "{refused} of {} files refused", results.len());
        }
        Command::Report(ReportCommand::List) => {
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            let reports = ReportRow::slugs(&mut conn).context("cannot list reports")?;
            for (slug, title) in reports {
                println!("{slug}\t{title}");
            }
        }
        Command::Report(ReportCommand::Sample { slug, out }) => {
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            content::import_bundled_if_empty(&mut conn)?;
            let version = content::current_sample(
                &mut conn,
                &slug,
                &content::SampleContext::from_settings(&settings),
            )?;
            let bytes = db::models::report_sample::file(&mut conn, version.id)?
                .context("the sample just stored")?
                .bytes;
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            println!(
                "wrote {} ({} bytes, version {})",
                out.display(),
                bytes.len(),
                version.short()
            );
        }
        Command::User(command) => {
            println!("{}", reportdesk::users_cli::run(&settings, command)?);
        }
        Command::Generate(GenerateCommand::Leads { count, seed }) => {
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            content::import_bundled_if_empty(&mut conn)?;
            let started = std::time::Instant::now();
            let made = reportdesk::generate::generate_leads(&mut conn, count, seed)?;
            println!(
                "generated {made} leads in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Generate(GenerateCommand::Reports { count, seed }) => {
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            let started = std::time::Instant::now();
            let made = reportdesk::generate_reports::generate_reports(&mut conn, count, seed)?;
            println!(
                "generated {made} reports in {:.1} s",
                started.elapsed().as_secs_f64()
            );
        }
        Command::Generate(GenerateCommand::FormTokens { count, kind }) => {
            let kind = match kind {
                Some(kind) => LeadKind::from_path_segment(&kind)
                    .context("--kind must be sample-request, inquiry or discount")?,
                None => LeadKind::Inquiry,
            };
            let pool = db::connect(&settings.database_url, 1)?;
            let mut conn = pool.get()?;
            db::run_migrations(&mut conn)?;
            content::import_bundled_if_empty(&mut conn)?;
            let report = ReportRow::ids_and_titles(&mut conn)?
                .first()
                .map(|(id, _)| *id)
                .context("no report")?;
            for token in reportdesk::generate::form_tokens(
                &settings.secret_key_bytes()?,
                kind,
                report,
                count,
            ) {
                println!("{token}");
            }
        }
        Command::Mail(MailCommand::DkimKeygen {
            selector,
            ed25519,
            out,
        }) => {
            println!(
                "{}",
                mail::dkim_keys::keygen(&settings, &selector, ed25519, out)?
            );
        }
        Command::Mail(MailCommand::Doctor { dns }) => {
            let (report, all_fine) = mail::doctor::doctor(&settings, dns).await?;
            println!("{report}");
            anyhow::ensure!(
                all_fine,
                "some records are missing, wrong or unknown (see above)"
            );
        }
        Command::Backup {
            check: None,
            to,
            keep,
        } => reportdesk::backup::cli::backup(&settings, to.as_deref(), keep)?,
        Command::Backup {
            check: Some(BackupCommand::Verify { file }),
            ..
        } => reportdesk::backup::cli::check(&file)?,
        Command::Restore { file } => reportdesk::backup::cli::put_back(&settings, &file)?,
        Command::Mail(MailCommand::Test { to }) => {
            mail::test_mail::send_test_mail(&settings, &to).await?;
            println!(
                "test mail to {to} accepted by {}",
                mail::test_mail::transport_name(&settings.mail_url)
            );
        }
    }
    Ok(())
}

/// Each client holds a file descriptor; the usual soft limit (1,024) lets a
/// thousand slow clients starve everyone else, while the hard limit is far
/// higher. Raising the soft limit to the hard one needs no privilege.
fn raise_open_files_limit() {
    #[cfg(target_os = "linux")]
    // SAFETY: getrlimit/setrlimit only read and write the struct passed in.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 && limit.rlim_cur < limit.rlim_max
        {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// glibc gives every thread that allocates its own memory arena (up to eight
/// per core) and rarely returns their free pages; with a pool of blocking
/// database threads that let the resident size creep up under load (174 MiB
/// after a 10-minute soak, against a flat ~80 MiB with two arenas, and more
/// throughput). Must run before any thread starts.
fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; it is called before any
    // other thread exists, so nothing allocates concurrently.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}
