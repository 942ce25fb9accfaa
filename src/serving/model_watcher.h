#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "common/logging.h"
#include "common/result.h"
#include "serving/model_pair.h"
#include "serving/model_scorer.h"
#include "serving/serving_stats.h"

namespace ntscada {

struct model_watch_options {
  std::filesystem::path registry = "models";
  model_references references;
  // How often the registry is checked for a newly promoted version.
  std::chrono::milliseconds interval{10'000};
  // When set, a check runs soon after the flag becomes true (within 200
  // ms), and the flag is cleared; set from a SIGHUP handler.
  std::atomic<bool>* reload_flag = nullptr;
  // When set, runs at the start of every check, before the references are
  // resolved, for example to pull promoted versions from MLflow into the
  // local registry. A failure is logged (rate-limited), and the check goes
  // on with what the local registry contains.
  std::function<result<bool, std::string>()> refresh;
};

// Keeps a model_scorer serving the registered models that the references
// resolve to. Each check resolves both references; when they name other
// versions than those served, it loads and verifies them on the watcher's
// thread and installs them in the scorer, which swaps them in between two
// batches. A pair that fails to load is logged, counted and not tried
// again until the references resolve to something else; the scorer keeps
// what it serves, or the rules when it serves no model.
//
// Threads: the constructor, check_now, start and stop belong to the owner;
// request_check may be called from any thread. The scorer and stats must
// outlive the watcher.
class model_watcher {
 public:
  model_watcher(model_watch_options options, model_scorer& scorer,
                serving_stats& stats);
  ~model_watcher();
  model_watcher(const model_watcher&) = delete;
  model_watcher& operator=(const model_watcher&) = delete;

  // Runs one check on the calling thread; used once before consuming, so
  // the first message is scored by the registered models when they load.
  void check_now();

  // Starts checking every interval and on request, on a background thread.
  void start();
  // Asks for a check as soon as possible, e.g. on SIGHUP.
  void request_check();
  // Stops the background thread. Called by the destructor.
  void stop();

 private:
  void loop();

  model_watch_options options_;
  local_registry registry_;
  model_scorer& scorer_;
  serving_stats& stats_;
  // Identity of the served pair, and of the last pair that failed.
  std::string served_;
  std::string failed_;
  std::string last_problem_;
  log_rate_limiter refresh_errors_{std::chrono::minutes(1)};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool check_requested_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ntscada
