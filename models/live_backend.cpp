#include "models/live_backend.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process.hpp>
#include <boost/process/extend.hpp>
#include <future>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace drsim::models {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  namespace bp = boost::process;
  if (argv.empty()) throw std::runtime_error("run_process: empty argv");
  boost::asio::io_context io;
  std::future<std::string> out, err;
  std::error_code ec;
  const auto start = Clock::now();
  bp::child child(
      bp::exe = argv.front(), bp::args = std::vector<std::string>(argv.begin() + 1, argv.end()),
      bp::std_in.close(), bp::std_out > out, bp::std_err > err, io,
      bp::extend::on_exec_setup = [](auto&) { ::setpgid(0, 0); }, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot run {}: {}", argv.front(), ec.message()));
  ProcessResult r;
  io.run_for(timeout);
  if (!io.stopped()) {
    r.timed_out = true;
    ::kill(-child.id(), SIGKILL);  // its whole group: the CLI and anything it started
    io.run();
  }
  child.wait(ec);
  r.exit_code = r.timed_out ? -1 : child.exit_code();
  r.out = out.get();
  r.err = err.get();
  r.elapsed = Clock::now() - start;
  return r;
}

std::string check_cli_version(const std::string& aws) {
  ProcessResult r;
  try {
    r = run_process({aws, "--version"}, std::chrono::seconds(30));
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(fmt::format(
        "{}; the live backend needs the AWS CLI v2 (Debian: apt-get install awscli), or give "
        "its path with --aws",
        e.what()));
  }
  std::string line = r.out.empty() ? r.err : r.out;
  line = line.substr(0, line.find('\n'));
  if (r.exit_code != 0 || !line.starts_with("aws-cli/2.")) {
    throw std::runtime_error(
        fmt::format("{} is not the AWS CLI v2 (it says `{}`); the live backend needs aws-cli/2.* "
                    "(Debian: apt-get install awscli, which installs /usr/bin/aws), or give its "
                    "path with --aws",
                    aws, line));
  }
  return line;
}

Outcome LiveBackend::invoke(const Request& request) {
  const std::vector<std::string> argv = cli_argv(request, options_);
  if (on_call) on_call(argv);
  ProcessResult r;
  try {
    r = run_process(argv, options_.call_timeout);
  } catch (const std::runtime_error& e) {
    return Outcome::failure(AwsErrorCode::kCommandFailed, e.what());
  }
  const sim::Duration latency =
      std::chrono::duration_cast<std::chrono::milliseconds>(r.elapsed).count();
  if (r.timed_out) {
    Outcome o = Outcome::failure(AwsErrorCode::kEndpointConnectionError,
                                 fmt::format("no answer within {} s (the call was stopped)",
                                             options_.call_timeout.count() / 1000));
    o.latency = latency;
    return o;
  }
  if (r.exit_code != 0) {
    AwsError e = cli_error(r.exit_code, r.err);
    Outcome o{Value(), std::move(e), latency};
    return o;
  }
  try {
    Outcome o = Outcome::success(value_from_json_text(r.out));
    o.latency = latency;
    return o;
  } catch (const nlohmann::json::exception& e) {
    return Outcome::failure(
        AwsErrorCode::kCommandFailed,
        fmt::format("the AWS CLI printed something that is not JSON ({})", e.what()));
  }
}

WaitResult wait_live(Backend& backend, const WaiterSpec& spec, const Request& poll,
                     std::chrono::milliseconds delay, int max_attempts,
                     const std::atomic<bool>* stop) {
  boost::asio::io_context io;
  WaitResult w;
  for (w.attempts = 1;; ++w.attempts) {
    w.state = backend.poll(poll, spec, w.last);
    if (w.state != WaiterState::kRetry || w.attempts >= max_attempts) return w;
    // Sleep `delay`, waking every 100 ms to see whether the operator asked to stop.
    const auto until = Clock::now() + delay;
    while (Clock::now() < until) {
      if (stop != nullptr && stop->load()) return w;
      boost::asio::steady_timer timer(
          io, std::min<Clock::duration>(until - Clock::now(), std::chrono::milliseconds(100)));
      timer.wait();
    }
    if (stop != nullptr && stop->load()) return w;
  }
}

}  // namespace drsim::models
