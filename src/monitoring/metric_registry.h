#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "monitoring/exposition.h"

namespace ntscada {

// The metric families of one process, collected at scrape time. Each
// collector reads values that already exist (atomic counters, histograms)
// and writes them as families, so no value is counted twice. Thread-safe:
// collectors may be added while another thread renders.
class metric_registry {
 public:
  // Writes one or more families. Called on the scraping thread, so it must
  // only read thread-safe state.
  using collector = std::function<void(exposition_writer&)>;

  void add(collector write);

  // Returns the exposition text of every collector, in the order they were
  // added. Throws std::logic_error when collectors break the format rules
  // (see exposition_writer), for example two writing the same family.
  std::string render() const;

 private:
  mutable std::mutex mutex_;
  std::vector<collector> collectors_;
};

}  // namespace ntscada
