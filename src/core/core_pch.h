// The headers most core files include, precompiled once per build (the Makefile
// makes core_pch.h.gch with the core's flags and has every core file include
// it first; CMake does the same with target_precompile_headers): Eigen and the
// standard library are then parsed once rather than once per file.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
