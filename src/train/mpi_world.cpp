// Open MPI behind hwgpt::Communicator (mpi_world.hpp). Counts and displacements of MPI are `int`:
// messages above 2^31 - 1 elements are split (sums) or refused with a clear error (strings).
#include "hwgpt/train/mpi_world.hpp"

#include <mpi.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstdint>
#include <memory>

#include "hwgpt/core/error.hpp"

namespace hwgpt::train {
namespace {

int checked_count(std::size_t n, const char* what) {
  if (n > static_cast<std::size_t>(INT_MAX))
    throw ValueError(std::string("MPI ") + what + ": message of " + std::to_string(n) +
                     " bytes; expected at most 2^31 - 1");
  return static_cast<int>(n);
}

template <typename T>
void allreduce_chunks(std::span<T> values, MPI_Datatype type) {
  constexpr std::size_t kChunk = 1u << 30;
  for (std::size_t off = 0; off < values.size(); off += kChunk) {
    const std::size_t n = std::min(kChunk, values.size() - off);
    MPI_Allreduce(MPI_IN_PLACE, values.data() + off, static_cast<int>(n), type, MPI_SUM, MPI_COMM_WORLD);
  }
}

class MpiWorld final : public Communicator {
 public:
  MpiWorld() {
    int provided = 0;
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiWorld() override {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (!finalized) MPI_Finalize();
  }
  MpiWorld(const MpiWorld&) = delete;
  MpiWorld& operator=(const MpiWorld&) = delete;

  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void allreduce_sum(std::span<float> values) override { allreduce_chunks(values, MPI_FLOAT); }
  void allreduce_sum(std::span<double> values) override { allreduce_chunks(values, MPI_DOUBLE); }

  void broadcast(std::string& bytes, int root) override {
    std::uint64_t n = bytes.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, root, MPI_COMM_WORLD);
    bytes.resize(n);
    MPI_Bcast(bytes.data(), checked_count(n, "broadcast"), MPI_CHAR, root, MPI_COMM_WORLD);
  }

  std::vector<std::string> allgather(const std::string& bytes) override {
    int n = checked_count(bytes.size(), "allgather");
    std::vector<int> counts(static_cast<std::size_t>(size_));
    MPI_Allgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
    const auto [buffer, displs] = layout(counts);
    std::string all(buffer, '\0');
    MPI_Allgatherv(bytes.data(), n, MPI_CHAR, all.data(), counts.data(), displs.data(), MPI_CHAR, MPI_COMM_WORLD);
    return split(all, counts, displs);
  }

  std::vector<std::string> gather(const std::string& bytes, int root) override {
    int n = checked_count(bytes.size(), "gather");
    std::vector<int> counts(static_cast<std::size_t>(size_));
    MPI_Gather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD);
    if (rank_ != root) {
      MPI_Gatherv(bytes.data(), n, MPI_CHAR, nullptr, nullptr, nullptr, MPI_CHAR, root, MPI_COMM_WORLD);
      return {};
    }
    const auto [buffer, displs] = layout(counts);
    std::string all(buffer, '\0');
    MPI_Gatherv(bytes.data(), n, MPI_CHAR, all.data(), counts.data(), displs.data(), MPI_CHAR, root, MPI_COMM_WORLD);
    return split(all, counts, displs);
  }

  void barrier() override { MPI_Barrier(MPI_COMM_WORLD); }
  [[noreturn]] void abort(int code) override {
    MPI_Abort(MPI_COMM_WORLD, code);
    std::_Exit(code);  // MPI_Abort does not return; this keeps [[noreturn]] honest
  }

 private:
  static std::pair<std::size_t, std::vector<int>> layout(const std::vector<int>& counts) {
    std::vector<int> displs(counts.size());
    std::size_t total = 0;
    for (std::size_t r = 0; r < counts.size(); ++r) {
      displs[r] = checked_count(total, "gathered");
      total += static_cast<std::size_t>(counts[r]);
    }
    checked_count(total, "gathered");
    return {total, displs};
  }
  static std::vector<std::string> split(const std::string& all, const std::vector<int>& counts,
                                        const std::vector<int>& displs) {
    std::vector<std::string> out;
    for (std::size_t r = 0; r < counts.size(); ++r)
      out.push_back(all.substr(static_cast<std::size_t>(displs[r]), static_cast<std::size_t>(counts[r])));
    return out;
  }

  int rank_ = 0, size_ = 1;
};

std::unique_ptr<MpiWorld>& instance() {
  static std::unique_ptr<MpiWorld> world;  // destroyed (MPI_Finalize) at exit
  return world;
}

}  // namespace

Communicator& world() {
  if (!launched_by_mpi()) return single_process();
  auto& w = instance();
  if (!w) w = std::make_unique<MpiWorld>();
  return *w;
}

bool mpi_active() { return instance() != nullptr; }

}  // namespace hwgpt::train
