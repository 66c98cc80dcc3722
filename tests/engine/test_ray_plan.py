"""How the Ray engine sizes its embedding actors (no cluster needed)."""

from aligner.engine.ray_engine import plan_actors


def test_default_is_one_actor_per_machine_with_all_its_cpus():
    assert plan_actors([2], None) == (1, 2)
    assert plan_actors([16, 16, 16], None) == (3, 16)


def test_default_on_unequal_machines_gives_each_actor_what_the_smallest_has():
    # every actor must fit on any machine, or Ray would leave one waiting
    assert plan_actors([8, 4], None) == (2, 4)


def test_explicit_workers_share_the_cpus_evenly():
    assert plan_actors([2], 2) == (2, 1)
    assert plan_actors([8, 8], 4) == (4, 4)


def test_explicit_workers_never_take_more_cpus_than_a_machine_has():
    assert plan_actors([4, 4], 1) == (1, 4)


def test_more_workers_than_cpus_is_capped():
    assert plan_actors([2], 5) == (2, 1)


def test_no_cpu_information_still_gives_one_actor():
    assert plan_actors([], None) == (1, 1)
    assert plan_actors([0], 3) == (1, 1)
