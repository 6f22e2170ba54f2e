//! `cargo xtask icons`: every icon Tauri needs, generated from `icons/icon.svg`
//! with rsvg-convert (librsvg2-bin), ImageMagick and png2icns (icnsutils).

use crate::{process, workspace};
use anyhow::{Context, Result, bail};
use std::path::Path;
use std::process::Command;

/// PNGs that `tauri.conf.json` lists, and the 1024 px master.
const PNGS: &[(&str, u32)] = &[
    ("32x32.png", 32),
    ("128x128.png", 128),
    ("128x128@2x.png", 256),
    ("icon.png", 1024),
];

/// Regenerates the PNG, ICO (Windows) and ICNS (macOS) icons.
pub fn generate() -> Result<()> {
    for tool in ["rsvg-convert", "convert", "png2icns"] {
        if !process::on_path(tool) {
            bail!("{tool} is missing: apt-get install librsvg2-bin imagemagick icnsutils");
        }
    }
    let icons = workspace::root().join("icons");
    let scratch = tempdir()?;
    for (name, size) in PNGS {
        render(&icons.join("icon.svg"), *size, &icons.join(name))?;
    }
    let sized = |size: u32| scratch.join(format!("{size}.png"));
    for size in [16, 24, 32, 48, 64, 128, 256, 512] {
        render(&icons.join("icon.svg"), size, &sized(size))?;
    }
    process::run(
        Command::new("convert")
            .args([16, 24, 32, 48, 64, 256].map(sized))
            .arg(icons.join("icon.ico")),
    )?;
    process::run(
        Command::new("png2icns")
            .arg(icons.join("icon.icns"))
            .args([512, 128, 32, 16].map(sized)),
    )
}

fn render(svg: &Path, size: u32, out: &Path) -> Result<()> {
    let size = size.to_string();
    process::run(
        Command::new("rsvg-convert")
            .args(["-w", &size, "-h", &size])
            .arg(svg)
            .arg("-o")
            .arg(out),
    )
}

fn tempdir() -> Result<std::path::PathBuf> {
    let dir = workspace::target_dir().join("icons-scratch");
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}
