package dev.sessionfeed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public surface is exactly the API: the public types of the exported packages, as compiled, are the list in
 * {@code docs/api/core.md}, and no public signature of them names a SessionFeed type that is not on that list
 * (an engine or internal type). With {@code -Xlint:all -Werror}, javac already refuses a public signature that names
 * a non-exported type; the second test holds that for builds without those flags and for package-private types.
 */
class PublicApiTest {

    private static final Path DOC = Path.of("../docs/api/core.md");
    private static final Pattern LISTED = Pattern.compile("^- `([A-Za-z0-9_.]+)`");

    private static Path classes() throws Exception {
        // target/classes, where this module's main classes are compiled to.
        return Path.of(SessionFeed.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private static Set<String> exportedPackages(Path classes) throws IOException {
        try (InputStream in = Files.newInputStream(classes.resolve("module-info.class"))) {
            return ModuleDescriptor.read(in).exports().stream()
                    .filter(e -> !e.isQualified())
                    .map(ModuleDescriptor.Exports::source)
                    .collect(Collectors.toSet());
        }
    }

    /** Every public top-level type of the exported packages, and every public type nested in a public one. */
    private static List<Class<?>> compiledPublicTypes() throws Exception {
        Path classes = classes();
        List<Class<?>> found = new ArrayList<>();
        for (String pkg : exportedPackages(classes)) {
            Path dir = classes.resolve(pkg.replace('.', '/'));
            List<Path> files;
            try (Stream<Path> list = Files.list(dir)) {
                files = list.filter(p -> p.toString().endsWith(".class")).collect(Collectors.toList());
            }
            for (Path file : files) {
                String simple = file.getFileName().toString().replace(".class", "");
                Class<?> c = Class.forName(pkg + "." + simple, false, PublicApiTest.class.getClassLoader());
                if (!c.isAnonymousClass() && !c.isLocalClass() && !c.isSynthetic() && isPublicAllTheWayOut(c)) {
                    found.add(c);
                }
            }
        }
        return found;
    }

    private static boolean isPublicAllTheWayOut(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> documented() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(DOC)) {
            Matcher m = LISTED.matcher(line);
            if (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    @Test
    void thePublicTypesOfTheExportedPackagesAreExactlyTheDocumentedList() throws Exception {
        Set<String> compiled = compiledPublicTypes().stream().map(Class::getCanonicalName)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented()).isNotEmpty();
        assertThat(compiled).isEqualTo(documented());
    }

    @Test
    void noPublicSignatureOfAnApiTypeNamesANonApiSessionFeedType() throws Exception {
        List<Class<?>> api = compiledPublicTypes();
        Set<Class<?>> allowed = new HashSet<>(api);
        Set<String> leaks = new TreeSet<>();
        for (Class<?> c : api) {
            List<Type> types = new ArrayList<>();
            if (c.getGenericSuperclass() != null) {
                types.add(c.getGenericSuperclass());
            }
            types.addAll(Arrays.asList(c.getGenericInterfaces()));
            check(c.getName(), types, allowed, leaks);
            for (Field f : c.getDeclaredFields()) {
                if (visible(f)) {
                    check(c.getName() + "." + f.getName(), List.of(f.getGenericType()), allowed, leaks);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m) && !m.isBridge()) {
                    List<Type> sig = signature(m);
                    sig.add(m.getGenericReturnType());
                    check(c.getName() + "." + m.getName() + "()", sig, allowed, leaks);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k)) {
                    check(c.getName() + ".<init>", signature(k), allowed, leaks);
                }
            }
        }
        assertThat(leaks).isEmpty();
    }

    private static boolean visible(Member m) {
        return !m.isSynthetic() && (Modifier.isPublic(m.getModifiers()) || Modifier.isProtected(m.getModifiers()));
    }

    private static List<Type> signature(Executable e) {
        List<Type> sig = new ArrayList<>(Arrays.asList(e.getGenericParameterTypes()));
        sig.addAll(Arrays.asList(e.getGenericExceptionTypes()));
        return sig;
    }

    private static void check(String where, List<Type> types, Set<Class<?>> allowed, Set<String> leaks) {
        Set<Class<?>> named = new HashSet<>();
        Set<Type> seen = new HashSet<>();
        for (Type t : types) {
            collect(t, named, seen);
        }
        for (Class<?> n : named) {
            if (n.getName().startsWith("dev.sessionfeed.") && !allowed.contains(n)) {
                leaks.add(where + " names " + n.getName());
            }
        }
    }

    private static void collect(Type t, Set<Class<?>> out, Set<Type> seen) {
        if (!seen.add(t)) {
            return;
        }
        if (t instanceof Class<?> c) {
            out.add(c.isArray() ? c.getComponentType() : c);
        } else if (t instanceof ParameterizedType p) {
            collect(p.getRawType(), out, seen);
            for (Type a : p.getActualTypeArguments()) {
                collect(a, out, seen);
            }
        } else if (t instanceof WildcardType w) {
            Stream.concat(Arrays.stream(w.getUpperBounds()), Arrays.stream(w.getLowerBounds())).forEach(b -> collect(b, out, seen));
        } else if (t instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                collect(b, out, seen);
            }
        } else if (t instanceof GenericArrayType g) {
            collect(g.getGenericComponentType(), out, seen);
        }
    }
}
