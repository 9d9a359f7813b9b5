/**
 * What can go wrong, in the domain's words: the {@link org.xso.problem.ProblemCode} catalogue, a
 * {@link org.xso.problem.Problem} (a code, a sentence, and what it concerns), the
 * {@link org.xso.problem.ProblemException} a refused command throws, and the wording of the
 * hypervisor port's failures.
 *
 * <p>
 * Every feature speaks these types; none of them knows HTTP. The web layer alone gives a code its
 * status, title and problem type, and turns a {@code Problem} into an RFC 9457 problem detail, both
 * for a refused request and for a failed operation's recorded outcome. This package depends on the
 * hypervisor port (to word its failures) and on no feature, framework or web type.
 */
@NullMarked
package org.xso.problem;

import org.jspecify.annotations.NullMarked;
