public enum YAMNetPlaceholderForBuild {}
