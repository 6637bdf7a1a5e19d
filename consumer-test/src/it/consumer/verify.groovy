// README.md's "Using it from Maven" must show the StreamKit dependencies this project builds with, in the same
// places, at the version just built: the README is what a developer copies.
import groovy.xml.XmlSlurper

def text = new File(readme).text
def section = text.substring(text.indexOf('## Using it from Maven'))
def start = section.indexOf('```xml') + '```xml'.length()
def shown = new XmlSlurper().parseText('<snippet>' + section.substring(start, section.indexOf('```', start)) + '</snippet>')
def used = new XmlSlurper().parse(new File(basedir, 'pom.xml'))

def coordinates = { dependencies ->
  dependencies.findAll { it.groupId.text() == 'io.streamkit' }
      .collect { [it.groupId, it.artifactId, it.version, it.type, it.scope]*.text().join(':') } as Set
}
assert coordinates(shown.dependencyManagement.dependencies.dependency) ==
    coordinates(used.dependencyManagement.dependencies.dependency)
assert coordinates(shown.dependencies.dependency) == coordinates(used.dependencies.dependency)
assert shown.dependencyManagement.dependencies.dependency.version.text() == streamkitVersion
true
