#include "serving/model_watcher.h"

#include <algorithm>

#include "common/logging.h"

namespace ntscada {

model_watcher::model_watcher(model_watch_options options, model_scorer& scorer,
                             serving_stats& stats)
    : options_(std::move(options)),
      registry_(options_.registry),
      scorer_(scorer),
      stats_(stats) {
  stats_.set_detector(scorer_.detector());
}

model_watcher::~model_watcher() { stop(); }

void model_watcher::check_now() {
  auto logger = module_logger("serving");
  ++stats_.checks;
  if (options_.refresh) {
    auto refreshed = options_.refresh();
    std::uint64_t suppressed = 0;
    if (!refreshed && refresh_errors_.allow(suppressed)) {
      logger->warn(
          "model refresh failed ({} similar failures suppressed); using the "
          "local registry {}: {}",
          suppressed, registry_.root().string(), refreshed.error());
    }
  }

  auto resolved = resolve_model_pair(registry_, options_.references);
  if (!resolved) {
    // Nothing to load: keep what is served. Log and count each new problem
    // once.
    if (resolved.error() != last_problem_) {
      if (served_.empty()) ++stats_.rule_fallbacks;
      logger->warn("no model to serve from registry {}: {}; {}",
                   registry_.root().string(), resolved.error(),
                   served_.empty() ? "scoring with the envelope rules"
                                   : "keeping " + stats_.detector());
      last_problem_ = resolved.error();
    }
    return;
  }

  std::string identity = resolved->identity();
  if (identity == served_) return;
  if (identity == failed_) return;

  logger->info("loading {}@{} and {}@{} from {}", resolved->anomaly.name,
               resolved->anomaly.version, resolved->state.name,
               resolved->state.version, registry_.root().string());
  auto loaded = load_model_pair(registry_, resolved.value());
  if (!loaded) {
    ++stats_.load_failures;
    if (served_.empty()) ++stats_.rule_fallbacks;
    failed_ = identity;
    last_problem_ = loaded.error();
    logger->error("cannot serve the promoted models: {}; {}", loaded.error(),
                  served_.empty() ? "scoring with the envelope rules"
                                  : "keeping " + stats_.detector());
    return;
  }

  std::string detector = loaded.value()->detector;
  scorer_.install(std::move(loaded.value()));
  served_ = identity;
  failed_.clear();
  last_problem_.clear();
  ++stats_.reloads;
  stats_.set_detector(detector);
  logger->info("{} verified and handed to the scorer", detector);
}

void model_watcher::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void model_watcher::request_check() {
  {
    std::lock_guard lock(mutex_);
    check_requested_ = true;
  }
  wake_.notify_one();
}

void model_watcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void model_watcher::loop() {
  // The reload flag is polled, because a signal handler cannot notify a
  // condition variable.
  constexpr auto slice = std::chrono::milliseconds(200);
  auto next_check = std::chrono::steady_clock::now() + options_.interval;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    auto wake_at = std::min(next_check, std::chrono::steady_clock::now() +
                                            std::chrono::milliseconds(slice));
    wake_.wait_until(lock, wake_at,
                     [this] { return stopping_ || check_requested_; });
    if (stopping_) break;
    bool flagged = options_.reload_flag != nullptr &&
                   options_.reload_flag->exchange(false);
    if (!check_requested_ && !flagged &&
        std::chrono::steady_clock::now() < next_check) {
      continue;
    }
    check_requested_ = false;
    lock.unlock();
    check_now();
    lock.lock();
    next_check = std::chrono::steady_clock::now() + options_.interval;
  }
}

}  // namespace ntscada
