#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace ntscada {

// Counters of model serving in one processor. Written by the model watcher
// and readable from any thread (metrics, logs, tests).
struct serving_stats {
  using counter = std::atomic<std::uint64_t>;

  // Registry checks, periodic or requested.
  counter checks{0};
  // Model pairs loaded, verified and handed to the scorer.
  counter reloads{0};
  // Times a check found a new reason why no model is usable (none
  // registered, or a load or verification failure) while no model was
  // served, so the envelope rules went on scoring.
  counter rule_fallbacks{0};
  // Model pairs that failed to load or verify, whatever was served.
  counter load_failures{0};

  void set_detector(std::string detector) {
    std::lock_guard lock(mutex_);
    detector_ = std::move(detector);
  }
  // The model pair, or rule set, in use after the last check.
  std::string detector() const {
    std::lock_guard lock(mutex_);
    return detector_;
  }

 private:
  mutable std::mutex mutex_;
  std::string detector_;
};

}  // namespace ntscada
