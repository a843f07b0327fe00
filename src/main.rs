//! Thin entry point: a subcommand runs the command line; no subcommand (or just a draft file)
//! opens the window.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let window = match args.as_slice() {
        [] => Some(None),
        [one] if !one.starts_with('-') && !nianbao::cli::is_command(one) => Some(Some(std::path::PathBuf::from(one))),
        _ => None,
    };
    let code = match window {
        Some(initial) => match nianbao::ui::run(initial) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("{e}");
                1
            }
        },
        None => nianbao::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr()),
    };
    std::process::exit(code);
}
