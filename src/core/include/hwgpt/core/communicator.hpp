// The few collective operations that data-parallel training and distributed studies need, behind
// an interface without MPI in it: code written against Communicator runs unchanged in one process
// (SingleProcess, no MPI call at all) and under `mpirun -np N` (train::mpi_world(), the only
// place that includes <mpi.h>; see DESIGN-NOTES.md for why it lives in the train module).
// Collectives must be called by every rank in the same order, as in MPI.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace hwgpt {

class Communicator {
 public:
  virtual ~Communicator() = default;
  virtual int rank() const = 0;  // 0 ... size() - 1
  virtual int size() const = 0;
  bool is_root() const { return rank() == 0; }

  // Element-wise sums over ranks, in place; every rank receives the same values.
  virtual void allreduce_sum(std::span<float> values) = 0;
  virtual void allreduce_sum(std::span<double> values) = 0;
  // `bytes` of rank `root` replace everyone's.
  virtual void broadcast(std::string& bytes, int root) = 0;
  // Every rank's `bytes`, indexed by rank, on every rank.
  virtual std::vector<std::string> allgather(const std::string& bytes) = 0;
  // Every rank's `bytes`, indexed by rank, on `root`; an empty vector elsewhere.
  virtual std::vector<std::string> gather(const std::string& bytes, int root) = 0;
  virtual void barrier() = 0;
  // Ends every rank of the job (a rank that throws would otherwise leave the others waiting in
  // a collective forever). In one process: std::exit(code).
  [[noreturn]] virtual void abort(int code) = 0;
};

// One process, no MPI: every collective is the identity.
class SingleProcess final : public Communicator {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allreduce_sum(std::span<float>) override {}
  void allreduce_sum(std::span<double>) override {}
  void broadcast(std::string&, int) override {}
  std::vector<std::string> allgather(const std::string& bytes) override { return {bytes}; }
  std::vector<std::string> gather(const std::string& bytes, int) override { return {bytes}; }
  void barrier() override {}
  [[noreturn]] void abort(int code) override;
};

// The process's SingleProcess instance (for defaults: `Communicator& comm = single_process()`).
SingleProcess& single_process();

// True when an MPI launcher started this process (mpirun/mpiexec of Open MPI, MPICH, or a PMI
// launcher such as srun): OMPI_COMM_WORLD_SIZE, PMI_SIZE or PMIX_RANK is set. A plain `hwgpt`
// run never initialises MPI.
bool launched_by_mpi();

}  // namespace hwgpt
