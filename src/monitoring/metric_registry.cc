#include "monitoring/metric_registry.h"

namespace ntscada {

void metric_registry::add(collector write) {
  std::lock_guard lock(mutex_);
  collectors_.push_back(std::move(write));
}

std::string metric_registry::render() const {
  std::vector<collector> collectors;
  {
    std::lock_guard lock(mutex_);
    collectors = collectors_;
  }
  std::string out;
  exposition_writer writer(out);
  for (const collector& write : collectors) write(writer);
  return out;
}

}  // namespace ntscada
