//! Thin entry point: a subcommand runs the command line; no subcommand opens the window.

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = nianbao::cli::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
