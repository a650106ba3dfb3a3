"""keras.datasets.boston_housing.load_data(): 506 Boston suburbs (13 features, median price in k$), from
Keras's boston_housing.npz, shuffled and split as Keras does."""
from .keras_files import check_test_split, features_and_targets, keras_dataset_file, shuffled_split

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"  # as Keras pins it


def load_data(path="boston_housing.npz", test_split=0.2, seed=113, download=True):
    """((x_train, y_train), (x_test, y_test)): float64 (N, 13) features and (N,) prices, shuffled with
    RandomState(seed), the last `test_split` of the rows held out. `path` names the file in Keras's cache."""
    who = "keras.datasets.boston_housing.load_data"
    check_test_split(who, test_split)
    file = keras_dataset_file(who, path, "boston_housing.npz", sha256=SHA256, download=download)
    x, y = features_and_targets(who, file)
    return shuffled_split(x, y, test_split, seed)
