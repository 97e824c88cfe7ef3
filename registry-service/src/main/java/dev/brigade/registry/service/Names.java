package dev.brigade.registry.service;

import java.util.regex.Pattern;

/**
 * The only names the registry accepts from callers. Use-case names are checked against a strict pattern before
 * anything else happens, so "..", encoded or double-encoded separators, backslashes, absolute paths and URIs are
 * refused; and no caller text ever becomes part of a file path anyway (artifacts are filed by digest).
 */
public final class Names {

    public static final Pattern USE_CASE = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");

    /** File names of uploaded artifacts: kept only as a label, but refused if they try to be a path. */
    public static final Pattern FILE_NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$");

    private Names() {
    }

    /** @throws RegistryException BAD_REQUEST naming the field */
    public static String useCase(String name) {
        if (name == null || !USE_CASE.matcher(name).matches()) {
            throw RegistryException.badRequest("name", "a use-case name must match " + USE_CASE.pattern());
        }
        return name;
    }

    /** @throws RegistryException BAD_REQUEST for a file name that is a path, a URI or has a parent step */
    public static void artifactFileName(String fileName) {
        if (fileName == null || fileName.isEmpty()) {
            return;
        }
        if (!FILE_NAME.matcher(fileName).matches() || fileName.contains("..")) {
            throw RegistryException.badRequest("artifact", "the file name must match " + FILE_NAME.pattern()
                    + " without \"..\": a name, not a path");
        }
    }
}
