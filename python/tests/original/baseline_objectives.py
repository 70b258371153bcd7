# The HWGPT calls of the original's baseline objectives (github.com/automl/HW-GPT-Bench, Apache-2.0,
# baselines/gpt_objective_2d.py, gpt_objective_3d.py and gpt_objective_memory.py), unchanged:
# the config as their __main__ builds it from argparse defaults (sample_bias = str(args.bias),
# per-layer lists of the space's maximum layer count) and the api calls of objective(). Syne
# Tune's Reporter and lib.utils' normalisation are the original's own code, not the API's, and are
# left out; the values are printed as JSON for test_wheel.py.
import argparse
import json
import sys

from hwgpt.api import HWGPT

search_spaces = {"s": {"n_layer_choices": [10, 11, 12]}, "m": {"n_layer_choices": [22, 23, 24]},
                 "l": {"n_layer_choices": [34, 35, 36]}}


def objective_2d(sampled_config, device, search_space, objective):
    api = HWGPT(
        search_space=search_space, use_supernet_surrogate=False
    )  # initialize API
    api.set_arch(sampled_config)  # set  arch
    perplexity = api.query(metric="perplexity", predictor="mlp")["perplexity"]

    hw_metric = api.query(metric=objective, device=device)[objective][device]
    return perplexity, hw_metric


def objective_3d(sampled_config, device_list, search_space, objectives):
    api = HWGPT(search_space=search_space, use_supernet_surrogate=False)
    api.set_arch(sampled_config)
    perplexity = api.query(metric="perplexity", predictor="mlp")["perplexity"]
    hw_metrics = api.query(metric=objectives, device=device_list)
    hw_metrics = [
        hw_metrics[objective][device]
        for objective, device in zip(objectives, device_list)
    ]
    return perplexity, hw_metrics


def objective_memory(sampled_config, search_space, objective):
    api = HWGPT(search_space=search_space, use_supernet_surrogate=False)
    api.set_arch(sampled_config)
    perplexity = api.query(metric="perplexity", predictor="mlp")["perplexity"]
    hw_metric = api.query(metric=objective)[objective]
    return perplexity, hw_metric


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--search_space", type=str, default="s")
    parser.add_argument("--device", type=str, default="v100")
    parser.add_argument("--num_layers", type=int, default=12)
    parser.add_argument("--embed_dim", type=int, default=768)
    parser.add_argument("--bias", type=bool, default=True)
    parser.add_argument("--objective", type=str, default="energies")
    args = parser.parse_known_args()[0]
    search_space = search_spaces[args.search_space]
    max_layers = max(search_space["n_layer_choices"])
    for i in range(max_layers):
        parser.add_argument(f"--num_heads_{i}", type=int, default=12)
        parser.add_argument(f"--mlp_ratio_{i}", type=int, default=4)

    args, _ = parser.parse_known_args()
    sample_config = {}
    sample_config["sample_n_layer"] = args.num_layers
    sample_config["sample_embed_dim"] = args.embed_dim
    sample_config["sample_bias"] = str(args.bias)
    sample_config["sample_n_head"] = []
    sample_config["sample_mlp_ratio"] = []
    for i in range(max_layers):
        sample_config["sample_n_head"].append(getattr(args, f"num_heads_{i}"))
        sample_config["sample_mlp_ratio"].append(getattr(args, f"mlp_ratio_{i}"))
    ppl_2d, hw_2d = objective_2d(sample_config, args.device, args.search_space, args.objective)
    ppl_3d, hw_3d = objective_3d(sample_config, ["a100", "h100"], args.search_space, ["latencies", "energies"])
    ppl_mem, memory = objective_memory(sample_config, args.search_space, "float16_memory")
    json.dump({"config": sample_config, "perplexity": ppl_2d, "hw_metric": hw_2d, "perplexity_3d": ppl_3d,
               "hw_metrics_3d": hw_3d, "perplexity_memory": ppl_mem, "float16_memory": memory}, sys.stdout)
