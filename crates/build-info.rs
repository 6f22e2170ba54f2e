// Which build this is, for `--version` and the app's About: included by the
// build scripts of the two front ends (the CLI and the desktop app), so the
// core crates are not rebuilt at every commit. The commit and its date come
// from git; a build outside a git checkout says `unknown`.

/// Sets `MCP_KEYS_BUILD` ("<commit> <date>") for the crate being built, and
/// asks cargo to run the script again when the checked-out commit changes.
fn export_build_info() {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .and_then(|output| String::from_utf8(output.stdout).ok())
            .map(|text| text.trim().to_owned())
            .filter(|text| !text.is_empty())
    };
    let build = match (
        git(&["rev-parse", "--short=12", "HEAD"]),
        git(&["log", "-1", "--format=%cs"]),
    ) {
        (Some(commit), Some(date)) => format!("{commit} {date}"),
        _ => "unknown".to_owned(),
    };
    println!("cargo::rustc-env=MCP_KEYS_BUILD={build}");
    // HEAD, and the branch file it names, change when the commit does.
    if let Some(git_dir) = git(&["rev-parse", "--absolute-git-dir"]) {
        let git_dir = std::path::Path::new(&git_dir);
        let mut watched = vec![git_dir.join("HEAD"), git_dir.join("packed-refs")];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watched.push(git_dir.join(branch));
        }
        for path in watched.iter().filter(|path| path.exists()) {
            println!("cargo::rerun-if-changed={}", path.display());
        }
    }
}
