#pragma once

#include <cstddef>

#include "reading/reading.h"

namespace ntscada {

// A reading replayed from a data set, with the position it came from.
struct labelled_reading {
  reading r;
  // 0-based data-row index in the source file, not counting the header
  // row. All readings from one SKAB row share the same index.
  std::size_t row = 0;
};

}  // namespace ntscada
