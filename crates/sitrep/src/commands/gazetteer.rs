//! `sitrep gazetteer`: import a GeoNames dump, show statistics, look names up.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::time::Instant;

use anyhow::{Context, Result};
use sitrep_gazetteer::Builder;

use crate::cli::{Cli, GazetteerCommand};
use crate::report::Status;
use crate::resources;

pub fn run(cli: &Cli, cmd: &GazetteerCommand) -> Result<Status> {
    match cmd {
        GazetteerCommand::Import { file, output } => {
            let base = resources::gazetteer(cli.gazetteer.as_deref())?;
            let mut builder = Builder::from_gazetteer(&base);
            drop(base);
            let f = File::open(file).with_context(|| format!("opening {}", file.display()))?;
            let reader: Box<dyn BufRead> = if file.extension().is_some_and(|e| e == "gz") {
                Box::new(BufReader::new(flate2::read::GzDecoder::new(f)))
            } else {
                Box::new(BufReader::new(f))
            };
            let stats = builder.add_geonames(&file.display().to_string(), reader)?;
            let bytes = builder.finish()?;
            std::fs::write(output, &bytes)
                .with_context(|| format!("writing {}", output.display()))?;
            eprintln!(
                "sitrep: read {} rows: {} places added, {} merged into existing areas, {} skipped; wrote {} ({} MB)",
                stats.rows,
                stats.added,
                stats.merged,
                stats.skipped,
                output.display(),
                bytes.len() / 1_000_000
            );
            eprintln!("sitrep: use it with --gazetteer {}", output.display());
            Ok(Status::Ok)
        }
        GazetteerCommand::Stats => {
            let t = Instant::now();
            let g = resources::gazetteer(cli.gazetteer.as_deref())?;
            let load = t.elapsed();
            println!("entries\t{}", g.entries().len());
            println!("countries\t{}", g.countries().len());
            println!("name keys\t{}", g.key_count());
            println!("load time ms\t{:.1}", load.as_secs_f64() * 1000.0);
            Ok(Status::Ok)
        }
        GazetteerCommand::Lookup { name } => {
            let g = resources::gazetteer(cli.gazetteer.as_deref())?;
            for p in g.lookup(name) {
                let e = g.entry(p.entry());
                let cc = g.country_of(e).map_or("", |c| &c.iso2);
                let a1 = g.admin1_of(e).map_or("", |a| &a.name);
                println!(
                    "{}\t{}\t{:?}\t{}\t{}\t{}\t{:.4}\t{:.4}\tpop {}{}{}",
                    e.geonameid,
                    e.name,
                    e.kind,
                    e.feature_code,
                    cc,
                    a1,
                    e.lat,
                    e.lon,
                    e.population,
                    if p.is_primary() { "\tprimary" } else { "" },
                    if p.is_demonym() { "\tdemonym" } else { "" }
                );
            }
            Ok(Status::Ok)
        }
    }
}
