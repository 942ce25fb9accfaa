#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ntscada::testing {

// A child process started with posix_spawn, its stderr sent to a file.
// The destructor kills it with SIGKILL if it still runs.
class child_process {
 public:
  child_process(const std::vector<std::string>& argv,
                const std::string& stderr_path);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  void send_signal(int signal);
  // Waits up to `timeout` for exit; returns the exit status, or nullopt on
  // timeout or when the child died of a signal.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// Runs `command` through /bin/sh and returns its standard output.
std::string run_command(const std::string& command);

}  // namespace ntscada::testing
